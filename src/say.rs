//! Lines for a person on the process's own stdout and stderr, written as `println!` and
//! `eprintln!` would, except that a closed or full stream is not a panic: `lipa backup X 2>&1
//! | head -c 10` once ended in exit 101 though the backup was written. What the stream could
//! not take is lost; what the command did, and its exit code, stand.

/// `println!` that does not panic when stdout is closed.
#[macro_export]
macro_rules! outln {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stdout(), $($arg)*);
    }};
}

/// `eprintln!` that does not panic when stderr is closed.
#[macro_export]
macro_rules! errln {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stderr(), $($arg)*);
    }};
}

/// `eprint!` that does not panic when stderr is closed.
#[macro_export]
macro_rules! errs {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let mut err = std::io::stderr();
        let _ = write!(err, $($arg)*);
        let _ = err.flush();
    }};
}
