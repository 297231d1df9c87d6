//! A package file written for durability without a long stall at the end: with fsync on, every
//! 32 MiB written a helper thread flushes the file's pages to disk (fdatasync on a second handle)
//! while writing goes on, so the final fsync only waits for the tail. Linux otherwise keeps up to
//! 10 % of memory dirty before writing back on its own, and a 1 GB package would be written to
//! disk only by the final fsync, after all the hashing.

use std::fs::File;
use std::io::{Seek, SeekFrom, Write};
use std::sync::mpsc::{sync_channel, SyncSender, TrySendError};
use std::thread::JoinHandle;

/// Bytes written between two background flushes.
const FLUSH_EVERY: u64 = 32 << 20;

/// A file whose pages are flushed in the background while it is written (see the module docs).
#[derive(Debug)]
pub(crate) struct DurableFile {
    file: File,
    fsync: bool,
    since_flush: u64,
    flusher: Option<Flusher>,
    /// The flusher could not be started: flush only at the end.
    no_flusher: bool,
}

#[derive(Debug)]
struct Flusher {
    tx: SyncSender<()>,
    handle: JoinHandle<std::io::Result<()>>,
}

impl DurableFile {
    /// Wraps a file opened for writing; `fsync` = flush in the background and sync at the end.
    pub(crate) fn new(file: File, fsync: bool) -> Self {
        DurableFile {
            file,
            fsync,
            since_flush: 0,
            flusher: None,
            no_flusher: false,
        }
    }

    fn kick(&mut self) {
        if self.no_flusher {
            return;
        }
        if self.flusher.is_none() {
            let Ok(second) = self.file.try_clone() else {
                self.no_flusher = true;
                return;
            };
            let (tx, rx) = sync_channel::<()>(1);
            let spawned = std::thread::Builder::new()
                .name("guidang-flush".into())
                .spawn(move || {
                    for () in rx {
                        second.sync_data()?;
                    }
                    Ok(())
                });
            match spawned {
                Ok(handle) => self.flusher = Some(Flusher { tx, handle }),
                Err(_) => {
                    self.no_flusher = true;
                    return;
                }
            }
        }
        if let Some(f) = &self.flusher {
            // A full channel means a flush is already pending: it will cover these pages too.
            if let Err(TrySendError::Disconnected(())) = f.tx.try_send(()) {
                self.no_flusher = true;
            }
        }
    }

    /// Stops the background flusher (reporting any error it met) and, with fsync on, syncs the
    /// file. Returns the file.
    pub(crate) fn finish(mut self) -> std::io::Result<File> {
        if let Some(f) = self.flusher.take() {
            drop(f.tx);
            f.handle
                .join()
                .map_err(|_| std::io::Error::other("the background flush thread stopped"))??;
        }
        if self.fsync {
            self.file.sync_all()?;
        }
        Ok(self.file)
    }
}

impl Write for DurableFile {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.file.write(buf)?;
        if self.fsync {
            self.since_flush += n as u64;
            if self.since_flush >= FLUSH_EVERY {
                self.since_flush = 0;
                self.kick();
            }
        }
        Ok(n)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.file.flush()
    }
}

impl Seek for DurableFile {
    fn seek(&mut self, pos: SeekFrom) -> std::io::Result<u64> {
        self.file.seek(pos)
    }
}

impl std::io::Read for DurableFile {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        std::io::Read::read(&mut self.file, buf)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_everything_and_syncs() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("big");
        let f = File::options()
            .write(true)
            .read(true)
            .create_new(true)
            .open(&p)
            .unwrap();
        let mut d = DurableFile::new(f, true);
        let block = vec![7u8; 1 << 20];
        for _ in 0..70 {
            d.write_all(&block).unwrap();
        }
        assert!(d.flusher.is_some(), "70 MiB written: the flusher started");
        d.seek(SeekFrom::Start(0)).unwrap();
        d.write_all(b"head").unwrap();
        d.finish().unwrap();
        let got = std::fs::read(&p).unwrap();
        assert_eq!(got.len(), 70 << 20);
        assert_eq!(&got[..4], b"head");
        assert!(got[4..].iter().all(|&b| b == 7));
    }
}
