//! One-way layering of the engine: every `crate::M` path in a library module names a module of its
//! own layer or of a lower one ([`LAYERS`]), and the trusted crate depends on nothing of the engine.
//!
//! The check is textual: comments, string and character literals are blanked out, then every
//! `crate::M` (and every item of a `crate::{A, B::…}` group) is an edge from the file's top-level
//! module (the first component of its path under `src/`) to M. The binary (`src/main.rs`,
//! `src/cli/`) and the crate root (`src/lib.rs`, which declares the modules) are not checked.
//! Paths through `super::` are not followed (they stay inside a module unless they climb to the
//! root, which no module does).

use crate::util::root;
use std::path::{Path, PathBuf};

/// The engine's layers, lowest first. A module may use `crate::M` only for M in its own layer or a
/// lower one; a module of `src/` that is not listed here fails the test, so a new module must be
/// placed. The trusted crate `shadowcert_checker` is below every layer (its paths are not `crate::`
/// paths: any module may use it) and the binary (`src/main.rs`, `src/cli/`) is above every layer.
///
/// 0. `error`, `exact`, `claim`: the engine's error type, and the checker's exact rationals and
///    claim records (`exact` and `claim` are re-exports of `shadowcert_checker`).
/// 1. `enclose`: interval arithmetic with inari (conversions, rounding constants, eigenvalue
///    bounds of interval matrices, Taylor series, branch-and-bound search, Appendix C of 004).
/// 2. `objective`: the objectives (quadratic, expression, data set) and their enclosures on boxes.
/// 3. `spec`: parsing and validating specs. A validated `Spec` holds its parsed objective, hence
///    `spec` sits above `objective`.
/// 4. `dynamics`: enclosed algorithm orbits and flows (tubes), and their verified norms.
/// 5. `theorems`: the claims of a spec, from the checker's exact statements and the engine's
///    enclosures.
/// 6. `certificate`: building certificates from claims, checking them, the regression.
/// 7. `certify`: certifying a spec (tightening search budgets until the claims are decided).
/// 8. `admissible`: certified admissible step sizes, sweeps and maps, and their certificates.
/// 9. `plot`: SVG charts (drawing only).
/// 10. `trace`: the enclosed trajectories of `certify trace` and the `--plot` figures.
/// 11. `report`: the human report of a certified spec (the binary and the Python package print it).
const LAYERS: &[&[&str]] = &[
    &["error", "exact", "claim"],
    &["enclose"],
    &["objective"],
    &["spec"],
    &["dynamics"],
    &["theorems"],
    &["certificate"],
    &["certify"],
    &["admissible"],
    &["plot"],
    &["trace"],
    &["report"],
];

/// Items of the crate root that are re-exports of a module (`pub use error::{Error, Result}`):
/// `crate::Error` is an edge to `error`.
const ROOT_ITEMS: &[(&str, &str)] = &[("Error", "error"), ("Result", "error")];

/// The dependencies the trusted crate must never have.
const CHECKER_FORBIDDEN: &[&str] = &["shadowcert", "nalgebra", "rayon", "plotters"];

/// The layer of a module, `None` when it is not declared.
fn rank(module: &str) -> Option<usize> {
    LAYERS.iter().position(|layer| layer.contains(&module))
}

/// The module a `crate::NAME` path reaches: NAME itself, or the module a root item re-exports.
fn target(name: &str) -> &str {
    ROOT_ITEMS.iter().find(|(item, _)| *item == name).map_or(name, |(_, module)| module)
}

/// `source` with comments, string literals and character literals replaced by spaces (newlines
/// kept, so that line numbers are unchanged).
fn code_only(source: &str) -> String {
    let c: Vec<char> = source.chars().collect();
    let mut out: Vec<char> = Vec::with_capacity(c.len());
    let blank = |out: &mut Vec<char>, s: &[char]| out.extend(s.iter().map(|&x| if x == '\n' { '\n' } else { ' ' }));
    let ident = |x: char| x.is_alphanumeric() || x == '_';
    let mut i = 0;
    while i < c.len() {
        let prev_ident = i > 0 && ident(c[i - 1]);
        if c[i] == '/' && c.get(i + 1) == Some(&'/') {
            let end = c[i..].iter().position(|&x| x == '\n').map_or(c.len(), |p| i + p);
            blank(&mut out, &c[i..end]);
            i = end;
        } else if c[i] == '/' && c.get(i + 1) == Some(&'*') {
            // Block comments nest in Rust.
            let (mut depth, mut j) = (1, i + 2);
            while j < c.len() && depth > 0 {
                if c[j] == '/' && c.get(j + 1) == Some(&'*') {
                    depth += 1;
                    j += 2;
                } else if c[j] == '*' && c.get(j + 1) == Some(&'/') {
                    depth -= 1;
                    j += 2;
                } else {
                    j += 1;
                }
            }
            blank(&mut out, &c[i..j]);
            i = j;
        } else if !prev_ident && (c[i] == 'r' || (c[i] == 'b' && c.get(i + 1) == Some(&'r'))) && {
            let k = if c[i] == 'b' { i + 2 } else { i + 1 };
            let hashes = c[k..].iter().take_while(|&&x| x == '#').count();
            c.get(k + hashes) == Some(&'"')
        } {
            // Raw string r#"…"#: ends at a quote followed by as many hashes.
            let k = if c[i] == 'b' { i + 2 } else { i + 1 };
            let hashes = c[k..].iter().take_while(|&&x| x == '#').count();
            let mut j = k + hashes + 1;
            while j < c.len()
                && !(c[j] == '"' && c[j + 1..].iter().take(hashes).filter(|&&x| x == '#').count() == hashes)
            {
                j += 1;
            }
            let end = (j + 1 + hashes).min(c.len());
            blank(&mut out, &c[i..end]);
            i = end;
        } else if c[i] == '"' {
            let mut j = i + 1;
            while j < c.len() && c[j] != '"' {
                j += if c[j] == '\\' { 2 } else { 1 };
            }
            let end = (j + 1).min(c.len());
            blank(&mut out, &c[i..end]);
            i = end;
        } else if c[i] == '\'' && c.get(i + 1) == Some(&'\\') {
            // Escaped character literal: '\n', '\'', '\u{…}'.
            let end = c[i + 3..].iter().position(|&x| x == '\'').map_or(c.len(), |p| i + 3 + p + 1);
            blank(&mut out, &c[i..end]);
            i = end;
        } else if c[i] == '\'' && c.get(i + 2) == Some(&'\'') {
            blank(&mut out, &c[i..i + 3]);
            i += 3;
        } else {
            // Code, including lifetimes and labels ('a).
            out.push(c[i]);
            i += 1;
        }
    }
    out.into_iter().collect()
}

/// Every `crate::NAME` of `source` (comments and literals excluded) as (line, NAME), with one
/// entry per item of a `crate::{…}` group (the first name of each item at the group's top level).
fn crate_refs(source: &str) -> Vec<(usize, String)> {
    let c: Vec<char> = code_only(source).chars().collect();
    let ident = |x: char| x.is_alphanumeric() || x == '_';
    let line_of = |i: usize| 1 + c[..i].iter().filter(|&&x| x == '\n').count();
    let skip_ws = |mut i: usize| {
        while i < c.len() && c[i].is_whitespace() {
            i += 1;
        }
        i
    };
    let word = |i: usize| -> String { c[i..].iter().take_while(|&&x| ident(x)).collect() };
    let mut refs = Vec::new();
    let mut i = 0;
    while i + 5 <= c.len() {
        let starts = c[i..i + 5].iter().copied().eq("crate".chars())
            && (i == 0 || !(ident(c[i - 1]) || c[i - 1] == '$'))
            && c.get(i + 5).is_none_or(|&x| !ident(x));
        if !starts {
            i += 1;
            continue;
        }
        let mut j = skip_ws(i + 5);
        if !(c.get(j) == Some(&':') && c.get(j + 1) == Some(&':')) {
            i += 5;
            continue;
        }
        j = skip_ws(j + 2);
        if c.get(j) == Some(&'{') {
            // A group: the first name after `{` and after each top-level comma.
            let (mut depth, mut expect_name) = (1, true);
            j += 1;
            while j < c.len() && depth > 0 {
                match c[j] {
                    '{' => depth += 1,
                    '}' => depth -= 1,
                    ',' if depth == 1 => expect_name = true,
                    x if expect_name && depth == 1 && !x.is_whitespace() => {
                        let name = if ident(x) { word(j) } else { x.to_string() };
                        refs.push((line_of(j), name.clone()));
                        expect_name = false;
                        j += name.chars().count().max(1);
                        continue;
                    }
                    _ => {}
                }
                j += 1;
            }
        } else {
            let name = word(j);
            refs.push((
                line_of(j),
                if name.is_empty() { c.get(j).map_or(String::new(), char::to_string) } else { name },
            ));
        }
        i = j.max(i + 5);
    }
    refs
}

/// The edges of one file of module `module` that break the layering, as
/// `file:line: module → target (…)`. `self` in a group (`crate::{self, …}`) names the root and is
/// no edge.
fn violations(file: &str, module: &str, source: &str) -> Vec<String> {
    let Some(own) = rank(module) else {
        return vec![format!("{file}: module `{module}` is not declared in LAYERS")];
    };
    crate_refs(source)
        .into_iter()
        .filter(|(_, name)| name != "self")
        .filter_map(|(line, name)| {
            let to = target(&name);
            match rank(to) {
                None => {
                    Some(format!("{file}:{line}: {module} → {to}: `crate::{name}` is not a module declared in LAYERS"))
                }
                Some(r) if r > own => {
                    Some(format!("{file}:{line}: {module} → {to}: layer {own} may not use layer {r} (`crate::{name}`)"))
                }
                Some(_) => None,
            }
        })
        .collect()
}

/// Every `.rs` file under `dir`, sorted.
fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(rust_files(&p));
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
    out.sort();
    out
}

/// The top-level module of a file under `src/`: the first path component, `.rs` stripped;
/// `None` for the binary and the crate root.
fn module_of(rel: &Path) -> Option<String> {
    let first = rel.components().next()?.as_os_str().to_string_lossy().into_owned();
    let module = first.strip_suffix(".rs").unwrap_or(&first).to_string();
    (!matches!(module.as_str(), "main" | "cli" | "lib")).then_some(module)
}

#[test]
fn every_edge_between_engine_modules_goes_down() {
    let src = root().join("src");
    let mut bad = Vec::new();
    let mut checked = 0;
    for path in rust_files(&src) {
        let rel = path.strip_prefix(&src).unwrap();
        let Some(module) = module_of(rel) else { continue };
        let text = std::fs::read_to_string(&path).unwrap();
        bad.extend(violations(&format!("src/{}", rel.display()), &module, &text));
        checked += 1;
    }
    assert!(checked > 30, "only {checked} files checked under {}", src.display());
    assert!(bad.is_empty(), "edges against the layering (tests/architecture.rs, LAYERS):\n{}", bad.join("\n"));
}

/// The check can fail: a fake `enclose` file with back-edges in every form is caught, and
/// comments, strings, `pub(crate)` and lower layers are not edges.
#[test]
fn the_layering_check_catches_back_edges() {
    let fake = r##"//! Docs: crate::trace is only mentioned.
use crate::exact::Rat;
use crate::{claim::Claim, Error,
    theorems::{evaluate, MAX_TRAJECTORY_STEPS}};
use super::convert::rat_to_interval; // crate::plot in a comment
pub(crate) fn f() -> crate::Result<()> {
    let _ = "crate::certificate in a string";
    let _ = r#"crate::certify in a "raw" string"#;
    let _ = ('"', '\'', 'x');
    /* crate::admissible in /* a nested */ block comment */
    let _ = crate :: spec::load_spec;
    crate::newmodule::g()
}
"##;
    let refs: Vec<(usize, String)> = crate_refs(fake);
    let names: Vec<(usize, &str)> = refs.iter().map(|(l, n)| (*l, n.as_str())).collect();
    assert_eq!(
        names,
        [(2, "exact"), (3, "claim"), (3, "Error"), (4, "theorems"), (6, "Result"), (11, "spec"), (12, "newmodule")]
    );
    let v = violations("src/enclose/fake.rs", "enclose", fake);
    assert_eq!(v.len(), 3, "{v:#?}");
    assert!(v[0].starts_with("src/enclose/fake.rs:4: enclose → theorems"), "{}", v[0]);
    assert!(v[1].starts_with("src/enclose/fake.rs:11: enclose → spec"), "{}", v[1]);
    assert!(v[2].starts_with("src/enclose/fake.rs:12: enclose → newmodule") && v[2].contains("not a module declared"));
    // The same file one layer up is clean except for the undeclared module; an undeclared file's
    // module is reported.
    assert_eq!(violations("src/theorems/fake.rs", "theorems", fake).len(), 1);
    assert!(violations("src/newmodule.rs", "newmodule", "")[0].contains("not declared"));
    assert_eq!(module_of(Path::new("enclose/taylor.rs")).as_deref(), Some("enclose"));
    assert_eq!(module_of(Path::new("trace.rs")).as_deref(), Some("trace"));
    assert_eq!(module_of(Path::new("cli/mod.rs")), None);
}

/// The names of the dependencies declared in a Cargo.toml (`[dependencies]`,
/// `[dependencies.NAME]` and the target-specific `[target.….dependencies]`), with the
/// `package = "…"` of renamed ones. Not the dev- and build-dependencies.
fn dependency_names(toml: &str) -> Vec<String> {
    #[derive(PartialEq)]
    enum Table {
        Other,
        Dependencies,
        OneDependency,
    }
    let mut names = Vec::new();
    let mut table = Table::Other;
    for line in toml.lines() {
        let line = line.split('#').next().unwrap_or("").trim();
        if let Some(header) = line.strip_prefix('[') {
            let header = header.trim_end_matches(']').trim();
            table = if header == "dependencies" || header.ends_with(".dependencies") {
                Table::Dependencies
            } else if let Some(name) =
                header.strip_prefix("dependencies.").or_else(|| header.split(".dependencies.").nth(1))
            {
                names.push(name.trim_matches('"').to_string());
                Table::OneDependency
            } else {
                Table::Other
            };
            continue;
        }
        let Some((key, value)) = line.split_once('=') else { continue };
        let (key, value) = (key.trim().trim_matches('"'), value.trim());
        match table {
            Table::Dependencies => {
                names.push(key.split('.').next().unwrap_or(key).to_string());
                if let Some(p) = value.split("package").nth(1) {
                    names.push(p.trim_start_matches([' ', '=']).split('"').nth(1).unwrap_or("").to_string());
                }
            }
            Table::OneDependency if key == "package" => names.push(value.trim_matches('"').to_string()),
            _ => {}
        }
    }
    names
}

#[test]
fn the_trusted_crate_depends_on_nothing_of_the_engine() {
    let toml = std::fs::read_to_string(root().join("checker/Cargo.toml")).unwrap();
    let deps = dependency_names(&toml);
    assert!(deps.iter().any(|d| d == "inari"), "no [dependencies] read from checker/Cargo.toml: {deps:?}");
    let norm = |s: &str| s.replace('_', "-");
    for bad in CHECKER_FORBIDDEN {
        assert!(!deps.iter().any(|d| norm(d) == norm(bad)), "checker/Cargo.toml depends on {bad}: {deps:?}");
    }
    // The reader sees each form of dependency, so the assertion above can fail.
    let fake = "[package]\nname = \"x\"\n[dependencies]\nrayon = \"1\"\nfoo = { package = \"nalgebra\", version = \"0.33\" }\n\
                [dev-dependencies]\nplotters = \"0.3\"\n[dependencies.shadowcert]\npath = \"..\"\n\
                [target.'cfg(unix)'.dependencies.bar]\npackage = \"plotters\"\n";
    let got = dependency_names(fake);
    assert_eq!(got, ["rayon", "foo", "nalgebra", "shadowcert", "bar", "plotters"], "dev-dependencies are not read");
}
