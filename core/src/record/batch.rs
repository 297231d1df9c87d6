//! Loading any input path: a record folder, a JSON record manifest, a bare content file, or a
//! batch (a folder of records, optionally with `batch.json` declaring the expected counts and bytes).

use super::{folder, manifest, Record};
use crate::{Error, Result};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// What the sender declares about a batch (DA/T 70 2-1 件数, 2-2 字节数), from `batch.json`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BatchExpectation {
    /// Number of records (件) the sender says it transferred.
    #[serde(default)]
    pub records: Option<u64>,
    /// Total bytes of content files the sender says it transferred.
    #[serde(default)]
    pub bytes: Option<u64>,
}

/// A batch: many records transferred together. A record that cannot be loaded stays as an error entry.
#[derive(Debug)]
pub struct Batch {
    /// The batch folder.
    pub path: PathBuf,
    /// Records in name order; `Err` for an entry that could not be loaded at all.
    pub entries: Vec<(PathBuf, Result<Record>)>,
    /// What the sender declared, if anything.
    pub expected: Option<BatchExpectation>,
}

/// One loaded input.
#[derive(Debug)]
pub enum Input {
    /// A single record.
    Record(Box<Record>),
    /// A batch of records.
    Batch(Batch),
}

fn is_record_dir(p: &Path) -> bool {
    folder::find_metadata_file(p).is_some() || p.join("record.json").is_file()
}

/// Loads one record from a path that must be a record (folder, manifest or file).
pub fn load_record(path: &Path) -> Result<Record> {
    if path.is_dir() {
        if folder::find_metadata_file(path).is_some() {
            folder::read_record_folder(path)
        } else if path.join("record.json").is_file() {
            manifest::read_manifest(&path.join("record.json"))
        } else {
            Err(Error::invalid(
                path,
                "folder has neither a metadata XML nor record.json",
            ))
        }
    } else if path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("json"))
        && looks_like_manifest(path)
    {
        manifest::read_manifest(path)
    } else {
        Record::from_file(path)
    }
}

fn looks_like_manifest(path: &Path) -> bool {
    let Ok(bytes) = std::fs::read(path) else {
        return false;
    };
    serde_json::from_slice::<serde_json::Value>(&bytes)
        .ok()
        .and_then(|v| {
            v.as_object().map(|o| {
                o.contains_key("id") && (o.contains_key("components") || o.contains_key("metadata"))
            })
        })
        .unwrap_or(false)
}

/// Loads a path as a record or a batch. A path that does not exist is an [`Error::Io`].
pub fn load(path: &Path) -> Result<Input> {
    let meta = std::fs::metadata(path).map_err(|e| Error::io(path, e))?;
    if !meta.is_dir() || is_record_dir(path) {
        return Ok(Input::Record(Box::new(load_record(path)?)));
    }
    let expected = match path.join("batch.json") {
        p if p.is_file() => {
            let bytes = std::fs::read(&p).map_err(|e| Error::io(&p, e))?;
            Some(
                serde_json::from_slice(&bytes)
                    .map_err(|e| Error::invalid(&p, format!("not a valid batch.json: {e}")))?,
            )
        }
        _ => None,
    };
    let mut children: Vec<PathBuf> = std::fs::read_dir(path)
        .map_err(|e| Error::io(path, e))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            let name = p
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            !name.starts_with('.') && name != "batch.json" && !name.ends_with(".expected.json")
        })
        .collect();
    children.sort();
    let entries = children
        .into_iter()
        .map(|p| {
            let r = load_record(&p);
            (p, r)
        })
        .collect();
    Ok(Input::Batch(Batch {
        path: path.to_path_buf(),
        entries,
        expected,
    }))
}
