//! Who is at the till: the name written beside a person's actions (checks, re-checks, and the
//! payments they push).

/// The operator of a payment journalled before lipa recorded who pushed it.
pub const UNKNOWN: &str = "unknown";

/// Who is at the till: the name given (a flag), else the configuration's `operator`, else the
/// operating system's user name.
pub fn choose(given: Option<&str>, configured: Option<&str>) -> String {
    [given, configured]
        .into_iter()
        .flatten()
        .map(clean)
        .find(|n| !n.is_empty())
        .unwrap_or_else(os_user)
}

/// The operating system's user name: `USER`, else `LOGNAME`, else the name `/etc/passwd`
/// gives this process's user id (a tmux or service session often has neither variable), else
/// `unknown`.
pub fn os_user() -> String {
    let uid = std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| uid_of(&s));
    let passwd = std::fs::read_to_string("/etc/passwd").unwrap_or_default();
    user_from(|k| std::env::var(k).ok(), uid, &passwd)
}

fn user_from(env: impl Fn(&str) -> Option<String>, uid: Option<u32>, passwd: &str) -> String {
    ["USER", "LOGNAME"]
        .iter()
        .filter_map(|k| env(k))
        .map(|v| clean(&v))
        .find(|v| !v.is_empty())
        .or_else(|| uid.and_then(|u| name_of(passwd, u)))
        .unwrap_or_else(|| UNKNOWN.into())
}

/// The real user id on the `Uid:` line of `/proc/self/status`.
fn uid_of(status: &str) -> Option<u32> {
    status
        .lines()
        .find_map(|l| l.strip_prefix("Uid:"))
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|u| u.parse().ok())
}

/// The name of user `uid` in a passwd file (`name:x:uid:…`).
fn name_of(passwd: &str, uid: u32) -> Option<String> {
    passwd.lines().find_map(|l| {
        let mut f = l.split(':');
        let name = f.next()?;
        let id: u32 = f.nth(1)?.parse().ok()?;
        (id == uid).then(|| clean(name)).filter(|n| !n.is_empty())
    })
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn without_user_variables_the_name_comes_from_passwd() {
        // Found by a tester: a check in tmux said "by unknown" (no USER there), though the
        // system knows the user as root.
        let passwd = "root:x:0:0:root:/root:/bin/bash\nrehema:x:1000:1000::/home/rehema:/bin/sh\n";
        assert_eq!(user_from(|_| None, Some(1000), passwd), "rehema");
        assert_eq!(user_from(|_| None, Some(0), passwd), "root");
        assert_eq!(user_from(|_| None, Some(7), passwd), "unknown");
        let env = |k: &str| (k == "LOGNAME").then(|| "amani".to_string());
        assert_eq!(user_from(env, Some(0), passwd), "amani");
        assert_eq!(
            uid_of("Name:\tlipa\nUid:\t1000\t1000\t1000\t1000\n"),
            Some(1000)
        );
    }
}
