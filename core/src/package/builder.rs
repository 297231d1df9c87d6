//! Two-phase writing of 件级 (zip or folder) and BagIt packages: the content files first, each
//! copied and hashed in one pass — capture does this while the checks read the bytes, so every
//! source byte is read once — then, once the checks passed, the metadata, catalogue and manifests.
//! An EEP cannot be built this way (its metadata, with each file's size and SM3, precedes the
//! Base64 content), so it is written by [`super::write_eep`] after the checks.

use super::sink::{DirSink, Sink, ZipSink};
use super::{
    content_names, ensure_unchanged, record_folder, ContentDigest, PackageFormat, PackageInput,
    PackageOptions, WrittenPackage,
};
use crate::digest::{DigestAlg, Digests};
use crate::record::Record;
use crate::{Error, Result};
use std::io::Read;
use std::path::{Path, PathBuf};

/// A 件级 or BagIt package being written (see the module docs). Dropping it without
/// [`PackageBuilder::finish`] leaves a partial package at its path: call
/// [`PackageBuilder::abort`] to remove it.
pub struct PackageBuilder {
    format: PackageFormat,
    dest: PathBuf,
    opts: PackageOptions,
    sink: Box<dyn Sink>,
    folder: String,
    names: Vec<String>,
    copied: Vec<Option<Digests>>,
}

impl std::fmt::Debug for PackageBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PackageBuilder")
            .field("format", &self.format)
            .field("dest", &self.dest)
            .finish()
    }
}

impl PackageBuilder {
    /// Whether packages of `format` can be built in two phases (all but EEP).
    pub fn supports(format: PackageFormat) -> bool {
        format != PackageFormat::Eep
    }

    /// Starts a package of `record` at `dest` (which must not exist).
    pub fn begin(
        format: PackageFormat,
        record: &Record,
        dest: &Path,
        opts: &PackageOptions,
    ) -> Result<PackageBuilder> {
        let (sink, folder): (Box<dyn Sink>, String) = match format {
            PackageFormat::Zip => (
                Box::new(ZipSink::create(dest, opts.deflate, opts.fsync)?),
                record_folder(record),
            ),
            PackageFormat::Dir => (
                Box::new(DirSink::create(dest, opts.fsync)?),
                record_folder(record),
            ),
            PackageFormat::Bagit => (
                Box::new(DirSink::create(dest, opts.fsync)?),
                format!("data/{}", record_folder(record)),
            ),
            PackageFormat::Eep => return Err(Error::Config(
                "an EEP is written in one go after the checks (write_package), not in two phases"
                    .into(),
            )),
        };
        Ok(PackageBuilder {
            format,
            dest: dest.to_path_buf(),
            opts: opts.clone(),
            sink,
            folder,
            names: content_names(record),
            copied: vec![None; record.components.len()],
        })
    }

    /// Digests the package itself needs of each content file besides the SM3 and SHA-256 the
    /// checks measure (BagIt: SHA-512 for its standard manifest).
    pub fn content_algs(&self) -> &'static [DigestAlg] {
        match self.format {
            PackageFormat::Bagit => &[DigestAlg::Sha256, DigestAlg::Sha512],
            _ => &[],
        }
    }

    /// Copies component `index` into the package from `src` (named `src_label` in errors),
    /// hashing with `algs` plus [`Self::content_algs`] while copying.
    pub fn add_content(
        &mut self,
        index: usize,
        src: &mut dyn Read,
        src_label: &Path,
        algs: &[DigestAlg],
    ) -> Result<Digests> {
        let name = self
            .names
            .get(index)
            .ok_or_else(|| Error::invalid(&self.dest, format!("no component {index}")))?;
        let rel = format!("{}/{name}", self.folder);
        let mut all = algs.to_vec();
        all.extend_from_slice(self.content_algs());
        let d = self.sink.add_reader(&rel, src, src_label, &all)?;
        self.copied[index] = Some(d.clone());
        Ok(d)
    }

    /// Copies every component from its source (for packaging outside a capture), checking each
    /// copy against the measured digests.
    pub(crate) fn copy_sources(&mut self, input: &PackageInput<'_>) -> Result<()> {
        for (i, c) in input.record.components.iter().enumerate() {
            let mut src = c.source.open()?;
            self.add_content(i, &mut src, &c.source.display_path(), &[DigestAlg::Sha256])?;
        }
        Ok(())
    }

    /// Writes metadata, catalogue and manifests and finishes the package. Every component must
    /// have been copied, and each copy must agree with `input.digests` (what the checks measured).
    pub fn finish(self, input: &PackageInput<'_>) -> Result<WrittenPackage> {
        if input.digests.len() != input.record.components.len() {
            return Err(Error::invalid(
                &self.dest,
                "one content digest per component is required",
            ));
        }
        let mut copied = Vec::with_capacity(self.copied.len());
        for ((c, d), expected) in input
            .record
            .components
            .iter()
            .zip(self.copied)
            .zip(input.digests)
        {
            let d = d.ok_or_else(|| {
                Error::invalid(
                    &self.dest,
                    format!("component {} was not copied into the package", c.name),
                )
            })?;
            ensure_unchanged(c, expected, &d)?;
            copied.push(d);
        }
        let parts = Parts {
            input,
            dest: &self.dest,
            opts: &self.opts,
            folder: &self.folder,
            names: &self.names,
            copied: &copied,
        };
        match self.format {
            PackageFormat::Bagit => super::bagit::finish_bag(self.sink, &parts),
            _ => super::jianji::finish_jianji(self.sink, &parts),
        }
    }

    /// Removes the partial package.
    pub fn abort(self) {
        let dest = self.dest;
        drop(self.sink);
        super::remove_any(&dest);
    }
}

/// What the format-specific finishing step gets.
pub(crate) struct Parts<'a> {
    pub input: &'a PackageInput<'a>,
    pub dest: &'a Path,
    pub opts: &'a PackageOptions,
    /// Folder of the record's files inside the package.
    pub folder: &'a str,
    /// File names of the components.
    pub names: &'a [String],
    /// Digests of the copies (checked against `input.digests`).
    pub copied: &'a [Digests],
}

impl Parts<'_> {
    /// The measured digests of the components.
    pub fn digests(&self) -> &[ContentDigest] {
        self.input.digests
    }
    /// Bytes of content.
    pub fn content_bytes(&self) -> u64 {
        self.copied.iter().map(|d| d.size).sum()
    }
}
