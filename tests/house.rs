//! The house: how `src/` is put together, held to a few numbers so it cannot decay unseen.
//!
//! - A provider is named only in its own folder (`src/provider/<id>/`, the folder named after
//!   it) and in at most [`MENTIONS`] other source files (its identity, its row's entry in the
//!   registry), counting comments, any case.
//! - The import graph has no loops between files. A file is a node; an edge is an import of
//!   ours: `use crate::…`, a `crate::x::y` path in code, `super::`/`self::` resolved, `$crate::`
//!   in a macro (and `lipa::` in `main.rs`), each to the file that defines the module it names.
//! - Rooms (a top-level module of `src/`: `x.rs` and the folder `x/` together) stand on floors:
//!   a room stands above every room it imports. Where rooms import each other in a circle no
//!   floor order can hold them all; the arrows (one per ordered pair of rooms) that the best
//!   order of each circle still has to point upward "run back up", and there are at most
//!   [`BACK_UP`] of them.
//!
//! Run `cargo test --test house -- --nocapture` to see the numbers (`HOUSE_SRC=<dir>` measures
//! another tree's `src/`).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Source files outside a provider's folder that may name it.
const MENTIONS: usize = 3;
/// Arrows between rooms that run back up.
const BACK_UP: usize = 8;

/// `src/` of this tree, or of another one named by `HOUSE_SRC` (to measure an older commit:
/// `git archive <commit> src | tar -x -C /tmp/old`, then `HOUSE_SRC=/tmp/old/src`).
fn src() -> PathBuf {
    std::env::var_os("HOUSE_SRC")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("src"))
}

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            files(&p, out);
        } else if p.extension().is_some_and(|e| e == "rs") {
            out.push(p);
        }
    }
}

/// The source files, by their path under `src/` (`provider/mod.rs`).
fn sources() -> BTreeMap<String, String> {
    let root = src();
    let mut all = Vec::new();
    files(&root, &mut all);
    all.into_iter()
        .map(|p| {
            let rel = p
                .strip_prefix(&root)
                .unwrap_or(&p)
                .to_string_lossy()
                .replace('\\', "/");
            let text = std::fs::read_to_string(&p).unwrap_or_default();
            (rel, text)
        })
        .collect()
}

/// The module path a file defines: `provider/http/answer.rs` → `["provider", "http",
/// "answer"]`; `lib.rs` and `main.rs` → `[]`.
fn module_of(rel: &str) -> Vec<String> {
    let mut parts: Vec<String> = rel.split('/').map(str::to_string).collect();
    let last = parts.pop().unwrap_or_default();
    let stem = last.trim_end_matches(".rs");
    if !matches!(stem, "mod" | "lib" | "main") {
        parts.push(stem.to_string());
    }
    parts
}

/// The code without comments, strings and character literals (each replaced by a space).
fn code_only(text: &str) -> String {
    let b: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        let next = b.get(i + 1).copied().unwrap_or('\0');
        if c == '/' && next == '/' {
            while i < b.len() && b[i] != '\n' {
                i += 1;
            }
        } else if c == '/' && next == '*' {
            let mut depth = 0;
            while i < b.len() {
                if b[i] == '/' && b.get(i + 1) == Some(&'*') {
                    depth += 1;
                    i += 2;
                } else if b[i] == '*' && b.get(i + 1) == Some(&'/') {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    i += 1;
                }
            }
            out.push(' ');
        } else if c == 'r' && (next == '"' || next == '#') && !ident_char(b.get(i.wrapping_sub(1)))
        {
            // A raw string: r"…", r#"…"#.
            let mut j = i + 1;
            let mut hashes = 0;
            while b.get(j) == Some(&'#') {
                hashes += 1;
                j += 1;
            }
            if b.get(j) != Some(&'"') {
                out.push(c);
                i += 1;
                continue;
            }
            j += 1;
            loop {
                if j >= b.len() {
                    break;
                }
                if b[j] == '"' && (0..hashes).all(|h| b.get(j + 1 + h) == Some(&'#')) {
                    j += 1 + hashes;
                    break;
                }
                j += 1;
            }
            out.push(' ');
            i = j;
        } else if c == '"' {
            i += 1;
            while i < b.len() && b[i] != '"' {
                if b[i] == '\\' {
                    i += 1;
                }
                i += 1;
            }
            i += 1;
            out.push(' ');
        } else if c == '\'' {
            // A character literal ('a', '\n', '\u{1F}'), or a lifetime ('a).
            if next == '\\' {
                let mut j = i + 2;
                while j < b.len() && b[j] != '\'' {
                    j += 1;
                }
                i = j + 1;
                out.push(' ');
            } else if b.get(i + 2) == Some(&'\'') {
                i += 3;
                out.push(' ');
            } else {
                out.push(c);
                i += 1;
            }
        } else {
            out.push(c);
            i += 1;
        }
    }
    out
}

fn ident_char(c: Option<&char>) -> bool {
    c.is_some_and(|c| c.is_alphanumeric() || *c == '_')
}

/// Splits code into tokens: identifiers, `::`, and single punctuation characters.
fn tokens(code: &str) -> Vec<String> {
    let b: Vec<char> = code.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if c.is_whitespace() {
            i += 1;
        } else if c.is_alphanumeric() || c == '_' || c == '$' {
            let start = i;
            i += 1;
            while i < b.len() && (b[i].is_alphanumeric() || b[i] == '_') {
                i += 1;
            }
            out.push(b[start..i].iter().collect());
        } else if c == ':' && b.get(i + 1) == Some(&':') {
            out.push("::".into());
            i += 2;
        } else {
            out.push(c.to_string());
            i += 1;
        }
    }
    out
}

/// Every path of ours a file names, made absolute (segments after `crate`).
fn paths_named(rel: &str, text: &str) -> Vec<Vec<String>> {
    let file_module = module_of(rel);
    let toks = tokens(&code_only(text));
    let ours = |t: &str| t == "crate" || t == "$crate" || (rel == "main.rs" && t == "lipa");
    // Inline modules (`mod tests { … }`) nest the module path; `super` leaves them first.
    let mut inline: Vec<(String, usize)> = Vec::new();
    let mut depth = 0usize;
    let mut out = Vec::new();
    let mut i = 0;
    while i < toks.len() {
        let t = toks[i].as_str();
        let module = || {
            let mut m = file_module.clone();
            m.extend(inline.iter().map(|(n, _)| n.clone()));
            m
        };
        match t {
            "{" => depth += 1,
            "}" => {
                depth = depth.saturating_sub(1);
                if inline.last().is_some_and(|(_, d)| *d == depth) {
                    inline.pop();
                }
            }
            "mod" if toks.get(i + 2).is_some_and(|t| t == "{") => {
                inline.push((toks[i + 1].clone(), depth));
                depth += 1;
                i += 3;
                continue;
            }
            "use" => {
                let end = (i..toks.len())
                    .find(|&j| toks[j] == ";")
                    .unwrap_or(toks.len());
                let mut trees = Vec::new();
                use_tree(&toks[i + 1..end], Vec::new(), &mut trees);
                for path in trees {
                    if let Some(abs) = absolute(&path, &module(), &ours) {
                        out.push(abs);
                    }
                }
                i = end + 1;
                continue;
            }
            _ if (ours(t) || t == "super" || t == "self")
                && toks.get(i + 1).is_some_and(|n| n == "::")
                && !(i > 0 && toks[i - 1] == "::") =>
            {
                let mut path = vec![t.to_string()];
                let mut j = i + 1;
                while toks.get(j).is_some_and(|n| n == "::")
                    && toks
                        .get(j + 1)
                        .is_some_and(|n| ident_char(n.chars().next().as_ref()))
                {
                    path.push(toks[j + 1].clone());
                    j += 2;
                }
                if let Some(abs) = absolute(&path, &module(), &ours) {
                    out.push(abs);
                }
                i = j;
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    out
}

/// The paths of a `use` tree (`a::{b, c::{d, self}}`), each as its segments.
fn use_tree(toks: &[String], prefix: Vec<String>, out: &mut Vec<Vec<String>>) {
    let mut path = prefix;
    let mut i = 0;
    while i < toks.len() {
        let t = toks[i].as_str();
        match t {
            "::" => {}
            "{" => {
                // Items up to the matching brace, split at top-level commas.
                let mut depth = 0;
                let mut start = i + 1;
                let mut j = i;
                while j < toks.len() {
                    match toks[j].as_str() {
                        "{" => depth += 1,
                        "}" => {
                            depth -= 1;
                            if depth == 0 {
                                use_tree(&toks[start..j], path.clone(), out);
                                break;
                            }
                        }
                        "," if depth == 1 => {
                            use_tree(&toks[start..j], path.clone(), out);
                            start = j + 1;
                        }
                        _ => {}
                    }
                    j += 1;
                }
                return;
            }
            "as" | "*" => break,
            "self" if !path.is_empty() => {}
            "pub" | "(" | ")" => {}
            _ => path.push(t.to_string()),
        }
        i += 1;
    }
    if !path.is_empty() {
        out.push(path);
    }
}

/// `crate::a::b` → `[a, b]`; `super::x` and `self::x` resolved from `module`; anything else
/// (another crate, a relative path) is not ours.
fn absolute(
    path: &[String],
    module: &[String],
    ours: &impl Fn(&str) -> bool,
) -> Option<Vec<String>> {
    let first = path.first()?;
    if ours(first) {
        return Some(path[1..].to_vec());
    }
    let mut base = module.to_vec();
    let mut rest = path;
    match first.as_str() {
        "super" => {
            while rest.first().is_some_and(|s| s == "super") {
                base.pop();
                rest = &rest[1..];
            }
        }
        "self" => rest = &rest[1..],
        _ => return None,
    }
    base.extend(rest.iter().cloned());
    Some(base)
}

/// The file an absolute path lands in: the longest prefix that is a file's module.
fn file_of<'a>(path: &[String], modules: &'a BTreeMap<Vec<String>, String>) -> Option<&'a str> {
    (0..=path.len())
        .rev()
        .find_map(|n| modules.get(&path[..n]).map(String::as_str))
}

struct House {
    /// file → files it imports.
    edges: BTreeMap<String, BTreeSet<String>>,
}

fn house() -> House {
    let sources = sources();
    let modules: BTreeMap<Vec<String>, String> = sources
        .keys()
        .filter(|rel| rel.as_str() != "main.rs")
        .map(|rel| (module_of(rel), rel.clone()))
        .collect();
    let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (rel, text) in &sources {
        let set = edges.entry(rel.clone()).or_default();
        for path in paths_named(rel, text) {
            if let Some(to) = file_of(&path, &modules)
                && to != rel
                && to != "lib.rs"
            {
                set.insert(to.to_string());
            }
        }
    }
    House { edges }
}

/// Strongly connected components (Tarjan), each sorted; every node in exactly one.
fn components(edges: &BTreeMap<String, BTreeSet<String>>) -> Vec<Vec<String>> {
    struct T<'a> {
        edges: &'a BTreeMap<String, BTreeSet<String>>,
        index: BTreeMap<&'a str, usize>,
        low: BTreeMap<&'a str, usize>,
        stack: Vec<&'a str>,
        on: BTreeSet<&'a str>,
        next: usize,
        out: Vec<Vec<String>>,
    }
    fn visit<'a>(t: &mut T<'a>, v: &'a str) {
        t.index.insert(v, t.next);
        t.low.insert(v, t.next);
        t.next += 1;
        t.stack.push(v);
        t.on.insert(v);
        let edges = t.edges;
        for w in edges.get(v).into_iter().flatten() {
            let w = w.as_str();
            if !t.index.contains_key(w) {
                visit(t, w);
                let lw = t.low[w];
                let lv = t.low[v];
                t.low.insert(v, lv.min(lw));
            } else if t.on.contains(w) {
                let iw = t.index[w];
                let lv = t.low[v];
                t.low.insert(v, lv.min(iw));
            }
        }
        if t.low[v] == t.index[v] {
            let mut c = Vec::new();
            while let Some(w) = t.stack.pop() {
                t.on.remove(w);
                c.push(w.to_string());
                if w == v {
                    break;
                }
            }
            c.sort();
            t.out.push(c);
        }
    }
    let mut t = T {
        edges,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on: BTreeSet::new(),
        next: 0,
        out: Vec::new(),
    };
    let nodes: BTreeSet<&str> = edges
        .iter()
        .flat_map(|(k, v)| std::iter::once(k.as_str()).chain(v.iter().map(String::as_str)))
        .collect();
    for n in nodes {
        if !t.index.contains_key(n) {
            visit(&mut t, n);
        }
    }
    t.out
}

/// A file's room: its top-level module (`provider/http/answer.rs` → `provider`).
fn room(rel: &str) -> String {
    let first = rel.split('/').next().unwrap_or(rel);
    first.trim_end_matches(".rs").to_string()
}

/// Room arrows (one per ordered pair) with how many file imports each carries.
fn rooms(h: &House) -> BTreeMap<String, BTreeMap<String, usize>> {
    let mut out: BTreeMap<String, BTreeMap<String, usize>> = BTreeMap::new();
    for (from, tos) in &h.edges {
        let a = room(from);
        out.entry(a.clone()).or_default();
        for to in tos {
            let b = room(to);
            if a != b {
                *out.entry(a.clone()).or_default().entry(b).or_default() += 1;
            }
        }
    }
    out
}

/// The arrows of a circle of rooms that its best order still points upward: an order of the
/// circle's rooms with as few upward arrows as can be (tried exhaustively for small circles,
/// greedily for large ones), the lighter arrows (fewer file imports) pointing up on a tie.
fn running_back_up(
    circle: &[String],
    arrows: &BTreeMap<String, BTreeMap<String, usize>>,
) -> Vec<(String, String, usize)> {
    let inside: Vec<(usize, usize, usize)> = circle
        .iter()
        .enumerate()
        .flat_map(|(i, a)| {
            circle
                .iter()
                .enumerate()
                .filter_map(move |(j, b)| arrows.get(a).and_then(|m| m.get(b)).map(|w| (i, j, *w)))
        })
        .collect();
    let n = circle.len();
    // rank[i] < rank[j]: i stands lower. An arrow i → j runs back up when rank[i] < rank[j].
    let cost = |rank: &[usize]| {
        inside
            .iter()
            .filter(|(i, j, _)| rank[*i] < rank[*j])
            .fold((0usize, 0usize), |(n, w), (_, _, x)| (n + 1, w + x))
    };
    let best: Vec<usize> = if n <= 16 {
        // Lowest room first, over subsets: best[set] = cheapest order of `set` at the bottom.
        let full = (1usize << n) - 1;
        let mut best: Vec<Option<((usize, usize), usize)>> = vec![None; 1 << n];
        best[0] = Some(((0, 0), usize::MAX));
        for set in 0..=full {
            let Some((c, _)) = best[set] else { continue };
            for next in (0..n).filter(|k| set & (1 << k) == 0) {
                // `next` stands above everything in `set`: its arrows into `set` point down,
                // and every arrow from `set` to `next` points up.
                let up = inside
                    .iter()
                    .filter(|(i, j, _)| *j == next && set & (1 << i) != 0)
                    .fold((0, 0), |(n, w), (_, _, x)| (n + 1, w + x));
                let cand = (c.0 + up.0, c.1 + up.1);
                let to = set | (1 << next);
                if best[to].is_none_or(|(b, _)| cand < b) {
                    best[to] = Some((cand, next));
                }
            }
        }
        let mut rank = vec![0; n];
        let mut set = full;
        let mut r = n;
        while set != 0 {
            let Some((_, top)) = best[set] else { break };
            r -= 1;
            rank[top] = r;
            set &= !(1 << top);
        }
        rank
    } else {
        // Greedily: the room with the most weight out of what is left stands lowest... no:
        // the one importing least of what is left goes lowest.
        let mut left: BTreeSet<usize> = (0..n).collect();
        let mut rank = vec![0; n];
        let mut r = 0;
        while !left.is_empty() {
            let pick = *left
                .iter()
                .min_by_key(|&&k| {
                    inside
                        .iter()
                        .filter(|(i, j, _)| *i == k && left.contains(j))
                        .map(|(_, _, w)| *w)
                        .sum::<usize>()
                })
                .unwrap_or(&0);
            left.remove(&pick);
            rank[pick] = r;
            r += 1;
        }
        rank
    };
    let _ = cost(&best);
    inside
        .iter()
        .filter(|(i, j, _)| best[*i] < best[*j])
        .map(|(i, j, w)| (circle[*i].clone(), circle[*j].clone(), *w))
        .collect()
}

struct Measure {
    file_loops: Vec<Vec<String>>,
    back_up: Vec<(String, String, usize)>,
    room_arrows: usize,
}

fn measure() -> Measure {
    let h = house();
    let file_loops: Vec<Vec<String>> = components(&h.edges)
        .into_iter()
        .filter(|c| c.len() > 1)
        .collect();
    let arrows = rooms(&h);
    let room_edges: BTreeMap<String, BTreeSet<String>> = arrows
        .iter()
        .map(|(a, m)| (a.clone(), m.keys().cloned().collect()))
        .collect();
    let back_up = components(&room_edges)
        .into_iter()
        .filter(|c| c.len() > 1)
        .flat_map(|c| running_back_up(&c, &arrows))
        .collect();
    Measure {
        file_loops,
        back_up,
        room_arrows: arrows.values().map(BTreeMap::len).sum(),
    }
}

#[test]
fn the_import_graph_has_no_loops_and_few_arrows_back_up() {
    let m = measure();
    eprintln!(
        "{} file loops; {} room arrows, {} run back up",
        m.file_loops.len(),
        m.room_arrows,
        m.back_up.len()
    );
    for l in &m.file_loops {
        eprintln!("loop of {} files: {}", l.len(), l.join(" "));
    }
    for (a, b, w) in &m.back_up {
        eprintln!("back up: {a} -> {b} ({w} imports)");
    }
    assert!(
        m.file_loops.is_empty(),
        "loops between files: {:?}",
        m.file_loops
    );
    assert!(
        m.back_up.len() <= BACK_UP,
        "{} arrows run back up: {:?}",
        m.back_up.len(),
        m.back_up
    );
}

/// Source files outside `<id>/` folders that name provider `id`.
fn mentions(id: &str) -> Vec<String> {
    sources()
        .into_iter()
        .filter(|(rel, _)| !rel.split('/').any(|part| part == id))
        .filter(|(_, text)| text.to_lowercase().contains(id))
        .map(|(rel, _)| rel)
        .collect()
}

#[test]
fn a_provider_is_named_in_its_own_folder_and_few_other_files() {
    let mut bad = Vec::new();
    for kind in lipa::provider::ProviderKind::ALL {
        let id = kind.id();
        let files = mentions(id);
        eprintln!(
            "{id}: {} files outside its folder: {}",
            files.len(),
            files.join(" ")
        );
        if files.len() > MENTIONS {
            bad.push(format!(
                "{id} is named in {} files: {}",
                files.len(),
                files.join(" ")
            ));
        }
    }
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}

#[test]
fn the_reader_sees_what_is_written() {
    let text = "use crate::a::{b, c::{self, D}};\nuse super::e as f;\n// crate::g::h\n\
                fn x() { let s = \"crate::i\"; crate::j::k(); '\\''; }\n\
                #[cfg(test)] mod tests { use super::*; use crate::l; }";
    let got = paths_named("m/n.rs", text);
    let want: Vec<Vec<String>> = [
        vec!["a", "b"],
        vec!["a", "c"],
        vec!["a", "c", "D"],
        vec!["m", "e"],
        vec!["j", "k"],
        vec!["m", "n"],
        vec!["l"],
    ]
    .iter()
    .map(|p| p.iter().map(|s| s.to_string()).collect())
    .collect();
    assert_eq!(got, want);
}

/// `HOUSE_EDGES=1 cargo test --test house print -- --nocapture`: every import, file by file.
#[test]
fn print_edges_when_asked() {
    if std::env::var_os("HOUSE_EDGES").is_none() {
        return;
    }
    for (from, tos) in house().edges {
        for to in tos {
            eprintln!("{from} -> {to}");
        }
    }
}
