//! Log lines kept in memory, for tests that read what a function writes: give
//! `move || lines.clone()` as the writer of `api::telemetry::json_subscriber`.

use std::sync::{Arc, Mutex};

/// What was written; clones share it.
#[derive(Clone, Default)]
pub struct KeptLines(Arc<Mutex<Vec<u8>>>);

impl KeptLines {
    /// Everything written so far.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap_or_else(|e| e.into_inner())).into_owned()
    }

    /// Each line read as one JSON object (a line that is not one fails the test).
    pub fn json(&self) -> Vec<serde_json::Value> {
        self.text()
            .lines()
            .map(|l| serde_json::from_str(l).expect("each line is one JSON object"))
            .collect()
    }
}

impl std::io::Write for KeptLines {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}
