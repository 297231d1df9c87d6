//! File helpers for verification: a self-removing temporary folder, safe extraction of a zip
//! package, reading text files (UTF-8 or GB18030) and listing a folder tree.

use crate::container::{ZipContainer, ZipLimits};
use crate::{Error, Result};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// A temporary folder removed on drop.
pub(super) struct TempDir(pub(super) PathBuf);

impl TempDir {
    pub(super) fn new(tag: &str) -> Result<TempDir> {
        use std::sync::atomic::{AtomicU64, Ordering};
        static N: AtomicU64 = AtomicU64::new(0);
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0);
        let p = std::env::temp_dir().join(format!(
            "guidang-{tag}-{}-{nanos}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        ));
        std::fs::create_dir_all(&p).map_err(|e| Error::io(&p, e))?;
        Ok(TempDir(p))
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

pub(super) fn extract_zip(zip: &Path, dest: &Path, limits: ZipLimits) -> Result<()> {
    let mut c = ZipContainer::open(zip, limits)?;
    let names: Vec<(String, bool)> = c.entries().map(|e| (e.name.clone(), e.is_dir)).collect();
    for (name, is_dir) in names {
        let n = crate::container::normalize(&name)
            .filter(|n| !n.is_empty())
            .ok_or_else(|| Error::invalid(zip, format!("entry `{name}` leaves the package")))?;
        let p = dest.join(&n);
        if is_dir {
            std::fs::create_dir_all(&p).map_err(|e| Error::io(&p, e))?;
            continue;
        }
        if let Some(parent) = p.parent() {
            std::fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
        }
        let mut f =
            std::io::BufWriter::new(std::fs::File::create(&p).map_err(|e| Error::io(&p, e))?);
        c.copy_to(&name, &mut f)?;
        use std::io::Write;
        f.flush().map_err(|e| Error::io(&p, e))?;
    }
    Ok(())
}

/// Reads a text file as UTF-8, falling back to GB18030.
pub(super) fn read_text(p: &Path) -> Result<String> {
    let b = std::fs::read(p).map_err(|e| Error::io(p, e))?;
    let b = b.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(&b);
    Ok(match std::str::from_utf8(b) {
        Ok(s) => s.to_string(),
        Err(_) => encoding_rs::GB18030.decode(b).0.into_owned(),
    })
}

pub(super) fn walk(dir: &Path, rel: &str, out: &mut BTreeSet<String>) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    for e in rd.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        let r = if rel.is_empty() {
            name
        } else {
            format!("{rel}/{name}")
        };
        match e.file_type() {
            Ok(t) if t.is_dir() => walk(&e.path(), &r, out),
            Ok(_) => {
                out.insert(r);
            }
            Err(_) => {}
        }
    }
}
