//! Safe reading of zip containers (OFD packages, zip 件级 packages): an index built once with
//! every hostile-input rule applied (entry count, total and per-entry size, compression ratio,
//! path traversal and absolute paths, duplicate names, encrypted entries, non-public compression),
//! then bounded reads by name.

use crate::{Error, Result};
use std::collections::BTreeMap;
use std::fs::File;
use std::io::{BufReader, Read, Seek};
use std::path::{Path, PathBuf};

/// Limits applied to a zip container. Defaults are documented in the README.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ZipLimits {
    /// Maximum number of entries (default 20,000).
    pub max_entries: usize,
    /// Maximum declared uncompressed size of one entry (default 1 GiB).
    pub max_entry_bytes: u64,
    /// Maximum total declared uncompressed size (default 4 GiB).
    pub max_total_bytes: u64,
    /// Maximum compression ratio of an entry larger than 1 MiB (default 200).
    pub max_ratio: u64,
}

impl Default for ZipLimits {
    fn default() -> Self {
        ZipLimits {
            max_entries: 20_000,
            max_entry_bytes: 1 << 30,
            max_total_bytes: 4 << 30,
            max_ratio: 200,
        }
    }
}

/// What the index knows about one entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntryInfo {
    /// Normalised name (forward slashes, no leading `/`).
    pub name: String,
    /// Index inside the archive.
    pub index: usize,
    /// Declared uncompressed size.
    pub size: u64,
    /// Compressed size.
    pub compressed_size: u64,
    /// Compression method name (`Stored`, `Deflated`, …).
    pub method: String,
    /// Whether it is a directory entry.
    pub is_dir: bool,
}

/// A zip container opened with its index checked against [`ZipLimits`].
pub struct ZipContainer<R: Read + Seek = BufReader<File>> {
    path: PathBuf,
    archive: zip::ZipArchive<R>,
    entries: BTreeMap<String, EntryInfo>,
    limits: ZipLimits,
}

impl<R: Read + Seek> std::fmt::Debug for ZipContainer<R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ZipContainer")
            .field("path", &self.path)
            .field("entries", &self.entries.len())
            .finish()
    }
}

impl ZipContainer<BufReader<File>> {
    /// Opens a zip file on disk.
    pub fn open(path: &Path, limits: ZipLimits) -> Result<Self> {
        let f = File::open(path).map_err(|e| Error::io(path, e))?;
        Self::new(BufReader::new(f), path, limits)
    }
}

impl ZipContainer<std::io::Cursor<Vec<u8>>> {
    /// Opens a zip held in memory; `path` names it in errors.
    pub fn from_bytes(bytes: Vec<u8>, path: &Path, limits: ZipLimits) -> Result<Self> {
        Self::new(std::io::Cursor::new(bytes), path, limits)
    }
}

/// Normalises a container path: backslashes to slashes, no leading `/` or `./`, `a/./b` → `a/b`.
/// `..` components are resolved; a name that climbs above the root yields `None`.
pub fn normalize(name: &str) -> Option<String> {
    let mut parts: Vec<&str> = Vec::new();
    for p in name.split(['/', '\\']) {
        match p {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            other => parts.push(other),
        }
    }
    Some(parts.join("/"))
}

impl<R: Read + Seek> ZipContainer<R> {
    /// Builds and checks the index of a zip read from `reader`.
    pub fn new(reader: R, path: &Path, limits: ZipLimits) -> Result<Self> {
        let mut archive = zip::ZipArchive::new(reader)
            .map_err(|e| Error::invalid(path, format!("not a readable zip container: {e}")))?;
        if archive.len() > limits.max_entries {
            return Err(Error::Limit {
                path: path.into(),
                limit: format!(
                    "{} zip entries exceed the limit of {}",
                    archive.len(),
                    limits.max_entries
                ),
            });
        }
        let mut entries = BTreeMap::new();
        let mut total: u64 = 0;
        for i in 0..archive.len() {
            let f = archive
                .by_index_raw(i)
                .map_err(|e| Error::invalid(path, format!("zip entry #{i} is unreadable: {e}")))?;
            let raw = f
                .name()
                .map_err(|e| Error::invalid(path, format!("zip entry #{i} has a bad name: {e}")))?
                .to_string();
            if raw.starts_with('/')
                || raw.starts_with('\\')
                || raw.contains(':') && raw.len() > 1 && raw.as_bytes()[1] == b':'
            {
                return Err(Error::invalid(
                    path,
                    format!("zip entry `{raw}` has an absolute path"),
                ));
            }
            if raw.contains('\0') {
                return Err(Error::invalid(
                    path,
                    format!("zip entry `{}` contains a NUL byte", raw.escape_debug()),
                ));
            }
            if raw.split(['/', '\\']).any(|p| p == "..") {
                return Err(Error::invalid(
                    path,
                    format!("zip entry `{raw}` climbs out of the container (path traversal)"),
                ));
            }
            if f.encrypted() {
                return Err(Error::invalid(
                    path,
                    format!("zip entry `{raw}` is encrypted"),
                ));
            }
            let method = format!("{:?}", f.compression());
            if !matches!(method.as_str(), "Stored" | "Deflated") {
                return Err(Error::invalid(
                    path,
                    format!(
                        "zip entry `{raw}` uses non-public or unsupported compression {method}"
                    ),
                ));
            }
            let size = f.size();
            let csize = f.compressed_size();
            if size > limits.max_entry_bytes {
                return Err(Error::Limit {
                    path: path.into(),
                    limit: format!(
                        "zip entry `{raw}` declares {size} bytes, over the limit of {}",
                        limits.max_entry_bytes
                    ),
                });
            }
            if size > (1 << 20) && size / csize.max(1) > limits.max_ratio {
                return Err(Error::Limit { path: path.into(), limit: format!("zip entry `{raw}` has a compression ratio of {} (zip bomb?), over the limit of {}", size / csize.max(1), limits.max_ratio) });
            }
            total = total.saturating_add(size);
            if total > limits.max_total_bytes {
                return Err(Error::Limit {
                    path: path.into(),
                    limit: format!(
                        "zip content totals more than {} bytes",
                        limits.max_total_bytes
                    ),
                });
            }
            let name = normalize(&raw).unwrap_or_default();
            let info = EntryInfo {
                name: name.clone(),
                index: i,
                size,
                compressed_size: csize,
                method,
                is_dir: f.is_dir(),
            };
            if !name.is_empty() && entries.insert(name.clone(), info).is_some() {
                return Err(Error::invalid(
                    path,
                    format!("zip entry `{name}` appears twice"),
                ));
            }
        }
        Ok(ZipContainer {
            path: path.into(),
            archive,
            entries,
            limits,
        })
    }

    /// Path of the container (as given when opened).
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// All entries, sorted by name.
    pub fn entries(&self) -> impl Iterator<Item = &EntryInfo> {
        self.entries.values()
    }

    /// Whether an entry with that (normalised) name exists. Leading `/` is ignored.
    pub fn contains(&self, name: &str) -> bool {
        self.lookup(name).is_some()
    }

    /// Finds an entry by name: exact after normalisation, then ASCII-case-insensitive (producers differ).
    pub fn lookup(&self, name: &str) -> Option<&EntryInfo> {
        let n = normalize(name)?;
        self.entries.get(&n).or_else(|| {
            self.entries
                .values()
                .find(|e| e.name.eq_ignore_ascii_case(&n))
        })
    }

    /// Reads a whole entry into memory, never more than its declared size (and the limits).
    pub fn read(&mut self, name: &str) -> Result<Vec<u8>> {
        let size = self
            .lookup(name)
            .map(|i| i.size.min(self.limits.max_entry_bytes))
            .unwrap_or(0);
        let mut buf = Vec::with_capacity(size.min(64 << 20) as usize);
        self.copy_to(name, &mut buf)?;
        Ok(buf)
    }

    /// Streams an entry into `sink`, never more than its declared size (and the limits); returns
    /// the bytes copied. An entry that inflates past its declared size is an [`Error::Limit`].
    pub fn copy_to(&mut self, name: &str, sink: &mut dyn std::io::Write) -> Result<u64> {
        let info = self.lookup(name).cloned().ok_or_else(|| {
            Error::invalid(
                &self.path,
                format!("entry `{name}` is missing from the container"),
            )
        })?;
        let path = self.path.clone();
        let f = self.archive.by_index(info.index).map_err(|e| {
            Error::invalid(
                &path,
                format!("entry `{}` cannot be opened: {e}", info.name),
            )
        })?;
        let cap = info.size.min(self.limits.max_entry_bytes);
        let n = std::io::copy(&mut f.take(cap + 1), sink)
            .map_err(|e| Error::invalid(&path, format!("entry `{}` is corrupt: {e}", info.name)))?;
        if n > cap {
            return Err(Error::Limit {
                path,
                limit: format!("entry `{}` inflates past its declared size", info.name),
            });
        }
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{Cursor, Write};

    fn make(entries: &[(&str, &[u8])]) -> Vec<u8> {
        let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let opts = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        for (n, d) in entries {
            w.start_file(*n, opts).unwrap();
            w.write_all(d).unwrap();
        }
        w.finish().unwrap().into_inner()
    }

    #[test]
    fn normalises_and_reads() {
        let z = make(&[("OFD.xml", b"<a/>"), ("Doc_0/Document.xml", b"<d/>")]);
        let mut c = ZipContainer::from_bytes(z, Path::new("t.ofd"), ZipLimits::default()).unwrap();
        assert!(c.contains("/Doc_0/Document.xml"));
        assert!(c.contains("doc_0/./document.xml"));
        assert_eq!(c.read("/OFD.xml").unwrap(), b"<a/>");
        assert!(c
            .read("missing.xml")
            .unwrap_err()
            .to_string()
            .contains("missing"));
        assert_eq!(
            normalize("Doc_0/Signs/../Pages/P.xml").as_deref(),
            Some("Doc_0/Pages/P.xml")
        );
        assert_eq!(normalize("../x"), None);
    }

    #[test]
    fn refuses_traversal_and_bombs() {
        let z = make(&[("../evil.txt", b"x")]);
        let e =
            ZipContainer::from_bytes(z, Path::new("slip.zip"), ZipLimits::default()).unwrap_err();
        assert!(e.to_string().contains("traversal"), "{e}");
        let big = vec![0u8; 8 << 20];
        let z = make(&[("bomb.bin", &big)]);
        let e =
            ZipContainer::from_bytes(z, Path::new("bomb.zip"), ZipLimits::default()).unwrap_err();
        assert!(matches!(e, Error::Limit { .. }), "{e}");
        let z = make(&[("a", b"1"), ("b", b"2"), ("c", b"3")]);
        let lim = ZipLimits {
            max_entries: 2,
            ..Default::default()
        };
        assert!(matches!(
            ZipContainer::from_bytes(z, Path::new("n.zip"), lim),
            Err(Error::Limit { .. })
        ));
        assert!(ZipContainer::from_bytes(
            b"PK\x03\x04garbage".to_vec(),
            Path::new("t.zip"),
            ZipLimits::default()
        )
        .is_err());
    }
}
