//! Who is at the till: the name written beside a person's actions (checks, re-checks, and the
//! payments they push).

/// The operating system's user name (`USER`, else `LOGNAME`), or `unknown`.
pub fn os_user() -> String {
    ["USER", "LOGNAME"]
        .iter()
        .filter_map(|k| std::env::var(k).ok())
        .map(|v| clean(&v))
        .find(|v| !v.is_empty())
        .unwrap_or_else(|| "unknown".into())
}

/// A name fit for the journal and the screen: printable, trimmed, at most 40 characters.
pub fn clean(name: &str) -> String {
    name.chars()
        .filter(|c| !c.is_control())
        .take(40)
        .collect::<String>()
        .trim()
        .to_string()
}
