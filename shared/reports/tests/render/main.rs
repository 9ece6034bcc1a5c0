//! The renderers, as a person or a program reading the files would check them: PDFs
//! through poppler's `pdfinfo`, `pdftotext` and `pdfimages`, XML through `xmllint`
//! against the published schema, CSV parsed back, HTML read as text.

mod csv;
mod html;
mod pdf;
mod samples;
mod xml;

use std::path::PathBuf;
use std::process::Command;

/// Writes `bytes` to a fresh temporary file named `name` and returns its path.
pub fn temp_file(name: &str, bytes: &[u8]) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("reports-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("the temporary folder is writable");
    let path = dir.join(name);
    std::fs::write(&path, bytes).expect("the temporary file is writable");
    path
}

/// Runs a tool and returns its standard output; fails the test if the tool fails.
pub fn run(program: &str, args: &[&str]) -> String {
    let out = Command::new(program)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{program} could not be started: {e}"));
    assert!(
        out.status.success(),
        "{program} {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("the tool writes UTF-8")
}
