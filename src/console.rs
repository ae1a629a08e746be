//! The one way amip writes to the terminal. `println!` and `eprintln!` panic when a write
//! fails (`amip build >/dev/full`, a closed pipe); here a failed write is remembered and the
//! command ends with a German message and exit code 1 instead ([`finish`]).

use std::fmt;
use std::io::Write;
use std::process::ExitCode;
use std::sync::OnceLock;

/// The first write that failed: which stream, and why (German).
static FAILED: OnceLock<String> = OnceLock::new();

/// Writes to stdout; a failure is remembered for [`finish`].
pub fn out(args: fmt::Arguments<'_>) {
    let mut stdout = std::io::stdout().lock();
    if let Err(err) = stdout.write_fmt(args) {
        remember("Standardausgabe", &err);
    }
}

/// Writes to stderr; a failure is remembered for [`finish`].
pub fn err(args: fmt::Arguments<'_>) {
    let mut stderr = std::io::stderr().lock();
    if let Err(err) = stderr.write_fmt(args) {
        remember("Fehlerausgabe", &err);
    }
}

fn remember(stream: &str, err: &std::io::Error) {
    let _ = FAILED.set(format!(
        "Die {stream} von amip konnte nicht geschrieben werden ({}).",
        crate::diagnostic::os_message(err)
    ));
}

/// Why a write to the terminal failed, if one did (stdout flushed first).
pub fn failure() -> Option<String> {
    if let Err(err) = std::io::stdout().lock().flush() {
        remember("Standardausgabe", &err);
    }
    FAILED.get().cloned()
}

/// The exit code of a command: `code`, unless a write to the terminal failed; then a German
/// message on stderr (if stderr still takes it) and `failed`.
pub fn finish(code: ExitCode, failed: ExitCode) -> ExitCode {
    match failure() {
        None => code,
        Some(message) => {
            let _ = writeln!(std::io::stderr().lock(), "Fehler: {message}");
            failed
        }
    }
}

/// `println!` that does not panic: see [`out`].
#[macro_export]
macro_rules! outln {
    () => { $crate::console::out(format_args!("\n")) };
    ($($arg:tt)*) => { $crate::console::out(format_args!("{}\n", format_args!($($arg)*))) };
}

/// `print!` that does not panic: see [`out`].
#[macro_export]
macro_rules! out {
    ($($arg:tt)*) => { $crate::console::out(format_args!($($arg)*)) };
}

/// `eprintln!` that does not panic: see [`err`].
#[macro_export]
macro_rules! errln {
    () => { $crate::console::err(format_args!("\n")) };
    ($($arg:tt)*) => { $crate::console::err(format_args!("{}\n", format_args!($($arg)*))) };
}

/// `eprint!` that does not panic: see [`err`].
#[macro_export]
macro_rules! err {
    ($($arg:tt)*) => { $crate::console::err(format_args!($($arg)*)) };
}
