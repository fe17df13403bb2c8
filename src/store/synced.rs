//! Durable means it survives a power cut, not only a crash of this process.
//!
//! sled 0.34 ends a flush with `sync_file_range` on its log (sled issue
//! #1452): the pages reach the disk's queue, which survives a killed process
//! but not a kernel crash or a power loss, and the file's size is not
//! synced. So every flush here is followed by `fdatasync` of that log file
//! (`<db>/db`), before anyone is told their write is durable. The group
//! commit shares one of these among all the writes a flush covers.

use std::fs::File;
use std::path::Path;
use std::sync::Arc;

/// A sled database whose [`SyncedDb::flush`] reaches stable storage.
#[derive(Clone)]
pub struct SyncedDb {
    db: sled::Db,
    /// sled's log, opened again only to sync it; `None` for a temporary db.
    log: Option<Arc<File>>,
}

impl SyncedDb {
    /// `path` is the directory sled was opened on.
    pub fn open(db: sled::Db, path: &Path) -> std::io::Result<SyncedDb> {
        let log = File::open(path.join("db"))?;
        Ok(SyncedDb {
            db,
            log: Some(Arc::new(log)),
        })
    }

    /// A temporary database (tests): it never outlives the process anyway.
    pub fn temporary(db: sled::Db) -> SyncedDb {
        SyncedDb { db, log: None }
    }

    pub fn db(&self) -> &sled::Db {
        &self.db
    }

    /// sled's flush, then `fdatasync` of its log: everything written before
    /// the call survives a power cut once this returns `Ok`.
    pub fn flush(&self) -> Result<(), sled::Error> {
        self.db.flush()?;
        if let Some(log) = &self.log {
            // fdatasync works on the file, whichever descriptor asks.
            log.sync_data()?;
        }
        Ok(())
    }
}
