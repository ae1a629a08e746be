//! Issue 12, item 8: amip finds the typst that an IT department ships beside it. The real
//! binary, hard-linked into a folder of its own with a `typst` beside it, builds the PDF with
//! that typst while `PATH` and the user cache hold none.

#![cfg(unix)]

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::PathBuf;
use std::process::Command;

use crate::common::{describe, fixture_copy, require_typst};

/// The real typst on `PATH` (the one [`require_typst`] found).
fn real_typst() -> PathBuf {
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .map(|dir| dir.join("typst"))
        .find(|candidate| candidate.is_file())
        .expect("typst is on PATH")
}

#[test]
fn the_typst_beside_amip_sets_the_pdf_when_path_and_cache_have_none() {
    require_typst();
    let typst = real_typst();
    // Inside cargo's target folder, so the hard link stays on the binary's file system.
    let shipped = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).unwrap();
    let amip = shipped.path().join("amip");
    fs::hard_link(env!("CARGO_BIN_EXE_amip"), &amip).unwrap();
    let marker = shipped.path().join("typst-lief.txt");
    let wrapper = shipped.path().join("typst");
    fs::write(
        &wrapper,
        format!(
            "#!/bin/sh\necho \"$1\" >> '{}'\nexec '{}' \"$@\"\n",
            marker.display(),
            typst.display()
        ),
    )
    .unwrap();
    fs::set_permissions(&wrapper, fs::Permissions::from_mode(0o755)).unwrap();

    let project = fixture_copy("klein");
    let home = tempfile::tempdir().unwrap();
    let empty_path = tempfile::tempdir().unwrap();
    let output = Command::new(&amip)
        .arg("--project")
        .arg(project.path())
        .arg("build")
        .env("PATH", empty_path.path())
        .env("HOME", home.path())
        .env("XDG_CACHE_HOME", home.path().join(".cache"))
        .env("AMIP_NO_INSTALL", "1")
        .env_remove("AMIP_TYPST")
        .env_remove("SOURCE_DATE_EPOCH")
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", describe(&output));
    let calls = fs::read_to_string(&marker).unwrap_or_default();
    assert!(
        calls.lines().any(|arg| arg == "compile"),
        "the typst beside amip set the PDF: {calls:?}"
    );
    let pdfs = fs::read_dir(project.path().join("output"))
        .unwrap()
        .filter_map(Result::ok)
        .filter(|entry| entry.path().extension().is_some_and(|ext| ext == "pdf"))
        .count();
    assert_eq!(pdfs, 1, "one PDF in output/");

    // Without it, the same amip in the same surroundings finds no typst.
    fs::remove_file(&wrapper).unwrap();
    let output = Command::new(&amip)
        .arg("--project")
        .arg(project.path())
        .arg("build")
        .env("PATH", empty_path.path())
        .env("HOME", home.path())
        .env("XDG_CACHE_HOME", home.path().join(".cache"))
        .env("AMIP_NO_INSTALL", "1")
        .env_remove("AMIP_TYPST")
        .output()
        .unwrap();
    assert!(!output.status.success(), "{}", describe(&output));
    assert!(
        String::from_utf8_lossy(&output.stderr).contains("denselben Ordner wie amip"),
        "{}",
        describe(&output)
    );
}
