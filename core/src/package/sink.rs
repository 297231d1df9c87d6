//! Where a 件级 or BagIt package's files go: a folder (each file fsynced, then every folder) or a
//! zip (stored or deflated, never encrypted; fsynced once finished). Every file is hashed while it
//! is written.

use super::durable::DurableFile;
use crate::digest::{DigestAlg, Digests};
use crate::{Error, Result};
use std::collections::BTreeSet;
use std::fs::File;
use std::io::{BufWriter, Read, Write};
use std::path::{Path, PathBuf};

/// Produces a file's bytes into a writer and returns their digests.
pub(crate) type Fill<'a> = dyn FnMut(&mut dyn Write) -> Result<Digests> + 'a;

/// A destination for package files addressed by `/`-separated relative paths.
pub(crate) trait Sink {
    /// Writes a file whose bytes `fill` produces.
    fn add_with(&mut self, rel: &str, fill: &mut Fill<'_>) -> Result<Digests>;
    /// Where `rel` goes, for error messages.
    fn label(&self, rel: &str) -> PathBuf;
    /// Writes a file from a reader (`src_label` names it in errors), hashing with `algs` while
    /// copying.
    fn add_reader(
        &mut self,
        rel: &str,
        src: &mut dyn Read,
        src_label: &Path,
        algs: &[DigestAlg],
    ) -> Result<Digests> {
        let dst = self.label(rel);
        self.add_with(rel, &mut |w| {
            super::copy_hashing(src, src_label, w, &dst, algs)
        })
    }
    /// Writes a file from bytes, hashing with `algs`.
    fn add_bytes(&mut self, rel: &str, bytes: &[u8], algs: &[DigestAlg]) -> Result<Digests> {
        self.add_reader(rel, &mut &bytes[..], Path::new("(generated)"), algs)
    }
    /// Finishes (and fsyncs when asked).
    fn finish(self: Box<Self>) -> Result<()>;
}

/// Writes files under a root folder.
pub(crate) struct DirSink {
    root: PathBuf,
    fsync: bool,
    dirs: BTreeSet<PathBuf>,
}

impl DirSink {
    pub(crate) fn create(root: &Path, fsync: bool) -> Result<Self> {
        std::fs::create_dir(root).map_err(|e| Error::io(root, e))?;
        let mut dirs = BTreeSet::new();
        dirs.insert(root.to_path_buf());
        Ok(DirSink {
            root: root.to_path_buf(),
            fsync,
            dirs,
        })
    }
}

impl Sink for DirSink {
    fn label(&self, rel: &str) -> PathBuf {
        self.root.join(rel)
    }
    fn add_with(&mut self, rel: &str, fill: &mut Fill<'_>) -> Result<Digests> {
        let path = self.root.join(rel);
        if let Some(parent) = path.parent() {
            if !self.dirs.contains(parent) {
                std::fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
                let mut p = parent.to_path_buf();
                while p.starts_with(&self.root) && self.dirs.insert(p.clone()) {
                    if !p.pop() {
                        break;
                    }
                }
            }
        }
        let f = File::options()
            .write(true)
            .create_new(true)
            .open(&path)
            .map_err(|e| Error::io(&path, e))?;
        let mut w = BufWriter::with_capacity(256 * 1024, DurableFile::new(f, self.fsync));
        let d = fill(&mut w)?;
        w.into_inner()
            .map_err(|e| Error::io(&path, e.into_error()))?
            .finish()
            .map_err(|e| Error::io(&path, e))?;
        Ok(d)
    }

    fn finish(self: Box<Self>) -> Result<()> {
        if self.fsync {
            // Deepest folders first so each entry is durable before its parent is synced.
            for d in self.dirs.iter().rev() {
                fsync_dir(d)?;
            }
        }
        Ok(())
    }
}

/// Writes entries into a zip file.
pub(crate) struct ZipSink {
    path: PathBuf,
    zip: zip::ZipWriter<BufWriter<DurableFile>>,
    deflate: bool,
}

impl ZipSink {
    pub(crate) fn create(path: &Path, deflate: bool, fsync: bool) -> Result<Self> {
        let f = File::options()
            .write(true)
            .create_new(true)
            .open(path)
            .map_err(|e| Error::io(path, e))?;
        Ok(ZipSink {
            path: path.to_path_buf(),
            zip: zip::ZipWriter::new(BufWriter::with_capacity(
                256 * 1024,
                DurableFile::new(f, fsync),
            )),
            deflate,
        })
    }
}

impl Sink for ZipSink {
    fn label(&self, rel: &str) -> PathBuf {
        self.path.join(rel)
    }
    fn add_with(&mut self, rel: &str, fill: &mut Fill<'_>) -> Result<Digests> {
        let method = if self.deflate {
            zip::CompressionMethod::Deflated
        } else {
            zip::CompressionMethod::Stored
        };
        let opts = zip::write::SimpleFileOptions::default()
            .compression_method(method)
            .large_file(true)
            .unix_permissions(0o644);
        self.zip
            .start_file(rel, opts)
            .map_err(|e| Error::invalid(&self.path, format!("zip entry {rel}: {e}")))?;
        fill(&mut self.zip)
    }

    fn finish(self: Box<Self>) -> Result<()> {
        let w = self
            .zip
            .finish()
            .map_err(|e| Error::invalid(&self.path, format!("zip: {e}")))?;
        w.into_inner()
            .map_err(|e| Error::io(&self.path, e.into_error()))?
            .finish()
            .map_err(|e| Error::io(&self.path, e))?;
        Ok(())
    }
}

/// fsyncs a folder so that entries created or renamed in it are durable.
pub(crate) fn fsync_dir(dir: &Path) -> Result<()> {
    let f = File::open(dir).map_err(|e| Error::io(dir, e))?;
    f.sync_all().map_err(|e| Error::io(dir, e))
}
