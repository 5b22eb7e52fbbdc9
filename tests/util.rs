//! Running the real binary in a temporary directory, printing everything on failure.

use std::path::{Path, PathBuf};
use std::process::Command;

/// Output of one run of `certify`.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
    pub cmd: String,
}

impl Run {
    /// Panics with command, stdout and stderr unless the exit code is `code`.
    pub fn expect_code(&self, code: i32) -> &Self {
        assert_eq!(
            self.code, code,
            "\ncommand: {}\nexit code {} (expected {code})\n--- stdout\n{}\n--- stderr\n{}",
            self.cmd, self.code, self.stdout, self.stderr
        );
        self
    }
}

/// The project root (where `specs/` and `proofs/` live).
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Runs `certify args…` with the working directory `dir`.
pub fn certify_in(dir: &Path, args: &[&str]) -> Run {
    let out = Command::new(env!("CARGO_BIN_EXE_certify")).args(args).current_dir(dir).output().expect("run certify");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        cmd: format!("certify {}", args.join(" ")),
    }
}

/// Runs `certify args…` from the project root.
pub fn certify(args: &[&str]) -> Run {
    certify_in(&root(), args)
}

/// The spec files shipped in `specs/`, sorted.
pub fn spec_files() -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(root().join("specs"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    v.sort();
    v
}

/// `proofs/NAME.cert.json` for `specs/NAME.json`.
pub fn cert_for(spec: &Path) -> PathBuf {
    let stem = spec.file_stem().unwrap().to_string_lossy();
    root().join("proofs").join(format!("{stem}.cert.json"))
}
