//! The operators of `lipa serve`: who may log in, as what. One public key per line, in the
//! shape OpenSSH's `authorized_keys` has, with lipa's options in front:
//!
//! ```text
//! operator="rehema",lang="sw",role="agent",providers="<id>,…",max_amount="500000" ssh-ed25519 AAAA… rehema@phone
//! ```
//!
//! `operator` is required; `role` is `agent` (own payments, the default) or `supervisor`
//! (everyone's); `lang`, `providers` and `max_amount` are optional. Blank lines and `#` comments
//! are skipped. A malformed line is an error naming its number: the server does not start on a
//! file it cannot read whole.

use crate::lang::Lang;
use crate::provider_kind::ProviderKind;
use base64::Engine as _;
use std::path::{Path, PathBuf};

pub mod safety;

/// Key types OpenSSH writes in `authorized_keys`.
const KEY_TYPES: &[&str] = &[
    "ssh-ed25519",
    "ssh-rsa",
    "ecdsa-sha2-nistp256",
    "ecdsa-sha2-nistp384",
    "ecdsa-sha2-nistp521",
    "sk-ssh-ed25519@openssh.com",
    "sk-ecdsa-sha2-nistp256@openssh.com",
];

/// What an operator may see and do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// Their own payments.
    Agent,
    /// Everyone's (and can mark them checked).
    Supervisor,
}

impl Role {
    pub fn id(self) -> &'static str {
        match self {
            Role::Agent => "agent",
            Role::Supervisor => "supervisor",
        }
    }
}

/// One line of the file: a key and who it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Operator {
    pub name: String,
    pub role: Role,
    pub lang: Option<Lang>,
    /// Providers this operator may push to (`None`: all).
    pub providers: Option<Vec<ProviderKind>>,
    /// Largest amount per payment, in whole units of the currency.
    pub max_amount: crate::money::Ceiling,
    /// `ssh-ed25519` …
    pub key_type: String,
    /// The key blob as written (base64): compared, never printed.
    pub key: String,
    pub line: usize,
}

impl Operator {
    /// What this line lets its operator send.
    pub fn rights(&self) -> crate::engine::Rights {
        crate::engine::Rights::Granted {
            providers: self.providers.clone(),
            max_amount: self.max_amount.clone(),
        }
    }
}

/// Why a line cannot be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LineError {
    NoKey,
    UnknownKeyType(String),
    BadKey,
    NoOperator,
    BadOption(String),
    UnknownOption(String),
    BadValue {
        option: String,
        value: String,
    },
    DuplicateKey(usize),
    /// The same operator has another role on an earlier line (which one would they be?).
    OtherRole(usize),
    /// An option given twice on one line (which one counts?).
    RepeatedOption(String),
    /// `lipa serve` is built without RSA.
    Rsa,
}

/// A file that cannot be used, with where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OperatorsError {
    Unreadable {
        path: PathBuf,
        reason: String,
    },
    /// Others could have changed it (see [`safety`]).
    Unsafe {
        path: PathBuf,
        why: safety::Unsafe,
    },
    Line {
        path: PathBuf,
        line: usize,
        error: LineError,
    },
}

impl OperatorsError {
    pub fn text(&self, lang: Lang) -> String {
        use crate::strings::cli as s;
        match self {
            OperatorsError::Unreadable { path, reason } => {
                s::operators_unreadable(lang, path, reason)
            }
            OperatorsError::Line { path, line, error } => {
                s::operators_line(lang, path, *line, &line_error(lang, error))
            }
            OperatorsError::Unsafe { path, why } => {
                let p = path.display().to_string();
                match why {
                    safety::Unsafe::Writable(mode) => s::operators_writable(lang, &p, *mode),
                    safety::Unsafe::Owner(uid) => s::operators_owner(lang, &p, *uid),
                    safety::Unsafe::Directory(dir, mode) => {
                        s::operators_dir_writable(lang, &dir.display().to_string(), *mode)
                    }
                }
            }
        }
    }
}

/// At most a few words of what a line holds: enough to find the mistake, never a whole line
/// of a file that is not an operators file (a link to another file, a pasted secret).
fn clip(text: &str) -> String {
    const SHOWN: usize = 24;
    if text.chars().count() <= SHOWN {
        text.to_string()
    } else {
        format!("{}…", text.chars().take(SHOWN).collect::<String>())
    }
}

fn line_error(lang: Lang, e: &LineError) -> String {
    use crate::strings::cli as s;
    match e {
        LineError::NoKey => s::operators_no_key(lang),
        LineError::UnknownKeyType(t) => s::operators_key_type(lang, &clip(t)),
        LineError::BadKey => s::operators_bad_key(lang),
        LineError::NoOperator => s::operators_no_name(lang),
        LineError::BadOption(o) => s::operators_bad_option(lang, &clip(o)),
        LineError::UnknownOption(o) => s::operators_unknown_option(lang, &clip(o)),
        LineError::BadValue { option, value } => {
            s::operators_bad_value(lang, &clip(option), &clip(value))
        }
        LineError::DuplicateKey(first) => s::operators_duplicate(lang, *first),
        LineError::OtherRole(first) => s::operators_other_role(lang, *first),
        LineError::RepeatedOption(o) => s::operators_repeated(lang, &clip(o)),
        LineError::Rsa => s::operators_rsa(lang),
    }
}

/// `--operators`, else `[serve] operators` (relative to the configuration file), else
/// `operators` beside the configuration file, else the platform's default.
pub fn path_for(given: Option<&Path>, config: &crate::config::Config) -> Option<PathBuf> {
    let beside = |p: &Path| match config.file.as_deref().and_then(Path::parent) {
        Some(dir) if p.is_relative() => dir.join(p),
        _ => p.to_path_buf(),
    };
    given
        .map(Path::to_path_buf)
        .or_else(|| config.serve.operators.as_deref().map(beside))
        .or_else(|| {
            config
                .file
                .as_deref()
                .and_then(Path::parent)
                .map(|d| d.join("operators"))
        })
        .or_else(default_path)
}

/// The default file: `<config dir>/lipa/operators`.
pub fn default_path() -> Option<PathBuf> {
    dirs::config_dir().map(|d| d.join("lipa").join("operators"))
}

/// Reads and checks the whole file: refused whole if others could have changed it, or if a
/// line is bad (the server does not start on a file it cannot read whole).
pub fn load(path: &Path) -> Result<Vec<Operator>, OperatorsError> {
    let text = read_safe(path)?;
    parse(&text).map_err(|(line, error)| OperatorsError::Line {
        path: path.to_path_buf(),
        line,
        error,
    })
}

/// The file read again by a running server: refused whole if others could have changed it;
/// otherwise its good lines, and the bad ones apart (a bad line grants nothing, as sshd reads
/// `authorized_keys`: a key taken off is gone even if the edit left a typo elsewhere).
pub fn load_again(path: &Path) -> Result<ReadAgain, OperatorsError> {
    let text = read_safe(path)?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    let mut good: Vec<Operator> = Vec::new();
    let mut bad = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let kept = parse_line(line, i + 1).and_then(|op| {
            good.push(op);
            // The rules across lines (one key once, one role per person) on what is kept.
            check_all(&good).inspect_err(|_| {
                good.pop();
            })
        });
        if let Err(e) = kept {
            bad.push((i + 1, e));
        }
    }
    Ok((good, bad))
}

/// The good lines of a file read again, and the bad ones (line number, why) apart.
pub type ReadAgain = (Vec<Operator>, Vec<(usize, LineError)>);

fn read_safe(path: &Path) -> Result<String, OperatorsError> {
    safety::check(path).map_err(|why| OperatorsError::Unsafe {
        path: path.to_path_buf(),
        why,
    })?;
    std::fs::read_to_string(path).map_err(|e| OperatorsError::Unreadable {
        path: path.to_path_buf(),
        reason: e.to_string(),
    })
}

/// The rules across lines, on a list: each key once, one role per person.
fn check_all(all: &[Operator]) -> Result<(), LineError> {
    let Some((last, rest)) = all.split_last() else {
        return Ok(());
    };
    if let Some(first) = rest.iter().find(|o| o.key == last.key) {
        return Err(LineError::DuplicateKey(first.line));
    }
    if let Some(first) = rest
        .iter()
        .find(|o| o.name == last.name && o.role != last.role)
    {
        return Err(LineError::OtherRole(first.line));
    }
    Ok(())
}

/// Every operator of the text, or the first bad line (1-based) and why.
pub fn parse(text: &str) -> Result<Vec<Operator>, (usize, LineError)> {
    let mut all: Vec<Operator> = Vec::new();
    // A file saved by a Windows editor may begin with a byte-order mark.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    for (i, raw) in text.lines().enumerate() {
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let op = parse_line(line, i + 1).map_err(|e| (i + 1, e))?;
        if let Some(first) = all.iter().find(|o| o.key == op.key) {
            return Err((i + 1, LineError::DuplicateKey(first.line)));
        }
        // One person may have several keys (a phone and a laptop), with one role.
        if let Some(first) = all.iter().find(|o| o.name == op.name && o.role != op.role) {
            return Err((i + 1, LineError::OtherRole(first.line)));
        }
        all.push(op);
    }
    Ok(all)
}

fn parse_line(line: &str, number: usize) -> Result<Operator, LineError> {
    let (options, rest) = split_options(line)?;
    let mut words = rest.split_whitespace();
    let key_type = words.next().ok_or(LineError::NoKey)?.to_string();
    if !KEY_TYPES.contains(&key_type.as_str()) {
        return Err(LineError::UnknownKeyType(key_type));
    }
    if key_type == "ssh-rsa" {
        return Err(LineError::Rsa);
    }
    let key = words.next().ok_or(LineError::NoKey)?.to_string();
    check_key(&key_type, &key)?;
    let mut op = Operator {
        name: String::new(),
        role: Role::Agent,
        lang: None,
        providers: None,
        max_amount: Default::default(),
        key_type,
        key,
        line: number,
    };
    let mut seen: Vec<String> = Vec::new();
    for (name, value) in options {
        if seen.contains(&name) {
            return Err(LineError::RepeatedOption(name));
        }
        seen.push(name.clone());
        let bad = || LineError::BadValue {
            option: name.clone(),
            value: value.clone(),
        };
        match name.as_str() {
            "operator" => op.name = crate::operator::clean(&value),
            "role" => {
                op.role = match value.as_str() {
                    "agent" => Role::Agent,
                    "supervisor" => Role::Supervisor,
                    _ => return Err(bad()),
                }
            }
            "lang" => op.lang = Some(Lang::parse(&value).ok_or_else(bad)?),
            "providers" => {
                let list = value
                    .split(',')
                    .map(|p| ProviderKind::from_id(p.trim()).ok_or_else(bad))
                    .collect::<Result<Vec<_>, _>>()?;
                op.providers = Some(list);
            }
            "max_amount" => {
                op.max_amount = crate::money::Ceiling::parse(&value).ok_or_else(bad)?;
            }
            _ => return Err(LineError::UnknownOption(name)),
        }
    }
    if op.name.is_empty() {
        return Err(LineError::NoOperator);
    }
    Ok(op)
}

/// `name="value"` pairs, in the order written.
type Options = Vec<(String, String)>;

/// `name="value",…` in front of the key type, if any; the rest of the line.
fn split_options(line: &str) -> Result<(Options, &str), LineError> {
    let first = line.split_whitespace().next().unwrap_or_default();
    if KEY_TYPES.contains(&first) {
        return Ok((Vec::new(), line));
    }
    let mut options = Vec::new();
    let mut chars = line.char_indices().peekable();
    loop {
        let start = chars.peek().map_or(line.len(), |(i, _)| *i);
        let mut end = start;
        while let Some((i, c)) = chars.peek().copied() {
            if c == '=' || c == ',' || c.is_whitespace() {
                break;
            }
            end = i + c.len_utf8();
            chars.next();
        }
        let name = line[start..end].to_string();
        if name.is_empty() || chars.next().map(|(_, c)| c) != Some('=') {
            return Err(LineError::BadOption(name));
        }
        if chars.next().map(|(_, c)| c) != Some('"') {
            return Err(LineError::BadOption(name));
        }
        let mut value = String::new();
        let mut closed = false;
        for (_, c) in chars.by_ref() {
            if c == '"' {
                closed = true;
                break;
            }
            value.push(c);
        }
        if !closed {
            return Err(LineError::BadOption(name));
        }
        options.push((name, value));
        match chars.next() {
            Some((_, ',')) => continue,
            Some((i, c)) if c.is_whitespace() => return Ok((options, line[i..].trim_start())),
            _ => return Err(LineError::NoKey),
        }
    }
}

/// The blob must be base64 and name its own type first, as every OpenSSH public key does.
fn check_key(key_type: &str, key: &str) -> Result<(), LineError> {
    let blob = base64::engine::general_purpose::STANDARD
        .decode(key)
        .map_err(|_| LineError::BadKey)?;
    let len = blob
        .get(..4)
        .map(|b| u32::from_be_bytes([b[0], b[1], b[2], b[3]]) as usize)
        .ok_or(LineError::BadKey)?;
    match blob.get(4..4 + len) {
        Some(name) if name == key_type.as_bytes() => Ok(()),
        _ => Err(LineError::BadKey),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A well-formed blob for `kind` (the type, then 32 bytes).
    fn blob(kind: &str) -> String {
        blob_of(kind, 7)
    }

    fn blob_of(kind: &str, byte: u8) -> String {
        let mut b = (kind.len() as u32).to_be_bytes().to_vec();
        b.extend_from_slice(kind.as_bytes());
        b.extend_from_slice(&[0, 0, 0, 32]);
        b.extend_from_slice(&[byte; 32]);
        base64::engine::general_purpose::STANDARD.encode(b)
    }

    #[test]
    fn lines_are_read_with_their_options() {
        let k1 = blob("ssh-ed25519");
        let id = ProviderKind::ALL[0].id();
        let text = format!(
            "# field agents\n\noperator=\"rehema\",lang=\"sw\",role=\"agent\",providers=\"{id}\",max_amount=\"500,000\" ssh-ed25519 {k1} rehema@phone\n"
        );
        let ops = parse(&text).expect("valid");
        assert_eq!(ops.len(), 1);
        let o = &ops[0];
        assert_eq!(
            (o.name.as_str(), o.role, o.lang, o.max_amount.any, o.line),
            ("rehema", Role::Agent, Some(Lang::Sw), Some(500_000), 3)
        );
        assert_eq!(o.providers, Some(vec![ProviderKind::ALL[0]]));
    }

    #[test]
    fn a_bad_line_is_named_by_its_number() {
        let k = blob("ssh-ed25519");
        let cases = [
            (format!("ssh-ed25519 {k}"), LineError::NoOperator),
            (
                format!("operator=\"a\" ssh-dss {k}"),
                LineError::UnknownKeyType("ssh-dss".into()),
            ),
            (
                "operator=\"a\" ssh-ed25519 AAAA!!".to_string(),
                LineError::BadKey,
            ),
            (
                format!("operator=\"a\" ecdsa-sha2-nistp256 {k}"),
                LineError::BadKey,
            ),
            (format!("operator=\"a\" ssh-rsa {k}"), LineError::Rsa),
            (
                format!("operator=\"a\",role=\"agent\",role=\"supervisor\" ssh-ed25519 {k}"),
                LineError::RepeatedOption("role".into()),
            ),
            (
                format!("operator=a ssh-ed25519 {k}"),
                LineError::BadOption("operator".into()),
            ),
            (
                format!("operator=\"a\",colour=\"red\" ssh-ed25519 {k}"),
                LineError::UnknownOption("colour".into()),
            ),
            (
                format!("operator=\"a\",role=\"boss\" ssh-ed25519 {k}"),
                LineError::BadValue {
                    option: "role".into(),
                    value: "boss".into(),
                },
            ),
            (
                format!("operator=\"a\"\noperator=\"b\" ssh-ed25519 {k}"),
                LineError::NoKey,
            ),
        ];
        for (text, want) in cases {
            let text = format!("# head\n{text}");
            assert_eq!(parse(&text).map(|_| ()), Err((2, want)), "{text}");
        }
        let twice = format!("operator=\"a\" ssh-ed25519 {k}\noperator=\"b\" ssh-ed25519 {k}");
        assert_eq!(
            parse(&twice).map(|_| ()),
            Err((2, LineError::DuplicateKey(1)))
        );
        let k2 = blob_of("ssh-ed25519", 8);
        let two_roles = format!(
            "operator=\"a\" ssh-ed25519 {k}\noperator=\"a\",role=\"supervisor\" ssh-ed25519 {k2}"
        );
        assert_eq!(
            parse(&two_roles).map(|_| ()),
            Err((2, LineError::OtherRole(1)))
        );
        let two_keys = format!("operator=\"a\" ssh-ed25519 {k}\noperator=\"a\" ssh-ed25519 {k2}");
        assert_eq!(parse(&two_keys).map(|v| v.len()), Ok(2));
        // A byte-order mark at the top is not part of the first option's name.
        let bom = format!("\u{feff}operator=\"a\" ssh-ed25519 {k}");
        assert_eq!(parse(&bom).map(|v| v[0].name.clone()), Ok("a".to_string()));
    }
}
