//! The schema loader: every kind of mistake is refused with the file, the 1-based line and the reason.
#![allow(clippy::unwrap_used)]

use guidang::{Error, Schema};
use std::path::Path;

const HEAD: &str = "[schema]\nid = \"t\"\nname = \"测试方案\"\n";

/// Writes `text` as `bad.toml` in a temp dir and loads it; returns (line, reason) of the error.
fn refuse(text: &str) -> (Option<usize>, String) {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("bad.toml");
    std::fs::write(&p, text).unwrap();
    match Schema::from_file(&p) {
        Ok(_) => panic!("schema was accepted:\n{text}"),
        Err(Error::Schema { path, line, reason }) => {
            assert_eq!(path, p, "error names the file");
            assert!(!reason.contains('\n'), "one-line reason: {reason}");
            (line, reason)
        }
        Err(e) => panic!("not a schema error: {e}"),
    }
}

fn assert_refused(text: &str, line: usize, reason_part: &str) {
    let (l, reason) = refuse(text);
    assert_eq!(l, Some(line), "line for `{reason}`");
    assert!(
        reason.contains(reason_part),
        "reason `{reason}` should mention `{reason_part}`"
    );
}

#[test]
fn toml_syntax_error_names_line() {
    assert_refused("[schema]\nid = \"t\"\nname = \"未闭合\n", 3, "");
}

#[test]
fn unknown_key_names_line() {
    let t = format!("{HEAD}\n[[element]]\nname = \"甲\"\nmax_lenght = 3\n");
    assert_refused(&t, 7, "max_lenght");
}

#[test]
fn missing_schema_id_is_refused() {
    let (_, reason) = refuse("[schema]\nname = \"x\"\n");
    assert!(reason.contains("id"), "{reason}");
}

#[test]
fn unknown_data_type_names_line() {
    let t = format!("{HEAD}\n[[element]]\nname = \"甲\"\ntype = \"strnig\"\n");
    assert_refused(&t, 7, "unknown data type `strnig`");
}

#[test]
fn bad_regex_names_line() {
    let t = format!("{HEAD}\n[[element]]\nname = \"甲\"\n\npattern = \"[0-9\"\n");
    assert_refused(
        &t,
        8,
        "bad regular expression: `[0-9`: unclosed character class",
    );
}

#[test]
fn unknown_constraint_and_kind_name_line() {
    let t = format!("{HEAD}\n[[element]]\nname = \"甲\"\nconstraint = \"必须\"\n");
    assert_refused(&t, 7, "unknown constraint");
    let t = format!("{HEAD}\n[[element]]\nname = \"甲\"\nkind = \"box\"\n");
    assert_refused(&t, 7, "unknown kind");
}

#[test]
fn condition_naming_unknown_element_names_line() {
    let t = format!(
        "{HEAD}\n[[element]]\nname = \"甲\"\nconstraint = \"条件选\"\nwhen = {{ present = \"乙\" }}\n"
    );
    assert_refused(&t, 8, "unknown element");
}

#[test]
fn malformed_condition_names_line() {
    let t = format!(
        "{HEAD}\n[[element]]\nname = \"甲\"\nconstraint = \"条件选\"\nwhen = {{ present = \"甲\", absent = \"甲\" }}\n"
    );
    assert_refused(&t, 8, "exactly one key");
    let t = format!(
        "{HEAD}\n[[element]]\nname = \"甲\"\nconstraint = \"条件选\"\nwhen = {{ bigger = \"甲\" }}\n"
    );
    assert_refused(&t, 8, "unknown condition `bigger`");
    let t = format!(
        "{HEAD}\n[[element]]\nname = \"甲\"\nconstraint = \"条件选\"\nwhen = {{ matches = {{ \"甲\" = \"(\" }} }}\n"
    );
    assert_refused(&t, 8, "bad regular expression");
}

#[test]
fn when_on_required_element_is_refused() {
    let t = format!(
        "{HEAD}\n[[element]]\nname = \"甲\"\nconstraint = \"必选\"\nwhen = {{ present = \"甲\" }}\n"
    );
    assert_refused(&t, 8, "only for constraint");
}

#[test]
fn unknown_parent_names_line() {
    let t = format!("{HEAD}\n[[element]]\nname = \"甲\"\nparent = \"不存在\"\n");
    assert_refused(&t, 7, "parent `不存在` is not a defined element");
}

#[test]
fn simple_parent_is_refused() {
    let t = format!(
        "{HEAD}\n[[element]]\nname = \"甲\"\n\n[[element]]\nname = \"乙\"\nparent = \"甲\"\n"
    );
    assert_refused(&t, 10, "simple element");
}

#[test]
fn duplicate_element_names_line_of_second() {
    let t = format!("{HEAD}\n[[element]]\nname = \"甲\"\n\n[[element]]\nname = \"甲\"\n");
    assert_refused(&t, 9, "defined twice");
}

#[test]
fn enumeration_without_domain_names_line() {
    let t = format!("{HEAD}\n[[element]]\nname = \"甲\"\n\ntype = \"enumeration\"\n");
    assert_refused(&t, 8, "needs a domain");
}

#[test]
fn container_with_value_rule_is_refused() {
    let t = format!("{HEAD}\n[[element]]\nname = \"甲\"\nkind = \"container\"\nmax_length = 3\n");
    let (line, reason) = refuse(&t);
    assert_eq!(line, Some(6));
    assert!(reason.contains("container"), "{reason}");
}

#[test]
fn bad_date_pattern_names_line() {
    let t =
        format!("{HEAD}\n[[element]]\nname = \"甲\"\ntype = \"date\"\nformats = [\"YY-MM-DD\"]\n");
    assert_refused(&t, 8, "YYYY");
    let t = "[schema]\nid = \"t\"\nname = \"x\"\ndate_formats = [\"YYYY-MM\"]\n";
    assert_refused(t, 4, "exactly once");
}

#[test]
fn default_outside_domain_is_refused() {
    let t = format!(
        "{HEAD}\n[[element]]\nname = \"甲\"\ntype = \"enumeration\"\ndomain = [\"a\", \"b\"]\ndefault = \"c\"\n"
    );
    assert_refused(&t, 6, "not in its domain");
}

#[test]
fn override_and_remove_of_unknown_elements_name_line() {
    let t = "[schema]\nid = \"t\"\nname = \"x\"\nextends = \"dat46-wenshu\"\n\n[[override]]\nname = \"标题\"\nmax_length = 9\n";
    assert_refused(t, 7, "no element named `标题`");
    let t = "[schema]\nid = \"t\"\nname = \"x\"\nextends = \"dat46-wenshu\"\nremove = [\"题名\",\n  \"不存在\"]\n";
    assert_refused(t, 6, "remove: no element named `不存在`");
}

#[test]
fn adding_an_existing_element_is_refused() {
    let t = "[schema]\nid = \"t\"\nname = \"x\"\nextends = \"dat46-wenshu\"\n\n[[element]]\nname = \"题名\"\nparent = \"内容描述\"\n";
    assert_refused(t, 7, "defined twice");
}

#[test]
fn unknown_base_names_line() {
    let t = "[schema]\nid = \"t\"\nname = \"x\"\n\nextends = \"dat46-wenshuu\"\n";
    assert_refused(t, 5, "not a built-in schema");
}

#[test]
fn removing_an_element_a_rule_needs_is_refused() {
    // 全宗号 is used by the 档号 rule and the continuity group of the base.
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("user.toml");
    std::fs::write(
        &p,
        "[schema]\nid = \"t\"\nname = \"x\"\nextends = \"dat46-wenshu\"\nremove = [\"全宗号\"]\n",
    )
    .unwrap();
    match Schema::from_file(&p) {
        Err(Error::Schema { reason, line, .. }) => {
            assert!(reason.contains("全宗号"), "{reason}");
            assert!(reason.contains("user.toml"), "{reason}");
            assert!(line.is_some());
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn archival_code_mistakes_are_refused() {
    let base = format!(
        "{HEAD}\n[[element]]\nname = \"档号\"\nkind = \"mixed\"\n\n[[element]]\nname = \"年度\"\nparent = \"档号\"\n\n"
    );
    // line 13: [archival_code]
    let t = format!("{base}[archival_code]\ntemplate = \"{{年度}}-{{件号}}\"\n\n[archival_code.parts.\"年度\"]\npattern = \"[0-9]{{4}}\"\n");
    assert_refused(&t, 13, "件号");
    let t = format!("{base}[archival_code]\ntemplate = \"{{年度}}{{件号}}\"\n");
    assert_refused(&t, 13, "without a separator");
    let t = format!("{base}[archival_code]\ntemplate = \"{{年度}}-x\"\nexample = \"2024-y\"\n\n[archival_code.parts.\"年度\"]\npattern = \"[0-9]{{4}}\"\n");
    assert_refused(&t, 13, "example");
    let t = format!(
        "{base}[archival_code]\ntemplate = \"{{年度}}\"\n\n[archival_code.parts.\"年度\"]\nelement = \"年\"\n"
    );
    assert_refused(&t, 13, "no element named `年`");
    let t = format!(
        "{base}[archival_code]\ntemplate = \"{{年度}}\"\n\n[archival_code.parts.\"年度\"]\nagree = \"same\"\n"
    );
    assert_refused(&t, 13, "unknown agree");
}

#[test]
fn continuity_and_reasonable_mistakes_are_refused() {
    let t = format!("{HEAD}\n[[element]]\nname = \"甲\"\n\n[[continuity]]\nelement = \"乙\"\n");
    assert_refused(&t, 8, "[[continuity]] element");
    let t = format!("{HEAD}\n[[element]]\nname = \"甲\"\n\n[[reasonable]]\nid = \"r\"\nkind = \"range\"\nelement = \"甲\"\nmin = \"x\"\n");
    assert_refused(&t, 8, "decimal");
    let t = format!(
        "{HEAD}\n[[element]]\nname = \"甲\"\n\n[[reasonable]]\nid = \"r\"\nkind = \"sometimes\"\n"
    );
    assert_refused(&t, 8, "unknown kind `sometimes`");
    let t = format!("{HEAD}\n[[element]]\nname = \"甲\"\n\n[[reasonable]]\nid = \"r\"\nkind = \"not_future\"\nelements = [\"丙\"]\n");
    assert_refused(&t, 8, "no element named `丙`");
}

#[test]
fn extends_cycle_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("a.toml"),
        "[schema]\nid = \"a\"\nname = \"a\"\nextends = \"b.toml\"\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("b.toml"),
        "[schema]\nid = \"b\"\nname = \"b\"\nextends = \"a.toml\"\n",
    )
    .unwrap();
    match Schema::from_file(&dir.path().join("a.toml")) {
        Err(Error::Schema { reason, line, .. }) => {
            assert!(reason.contains("deeper than"), "{reason}");
            assert_eq!(line, Some(4));
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn not_utf8_and_too_large_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("gbk.toml");
    std::fs::write(&p, b"[schema]\nid = \"t\"\nname = \"\xb2\xe2\"\n").unwrap();
    match Schema::from_file(&p) {
        Err(Error::Schema { line, reason, .. }) => {
            assert_eq!(line, Some(3));
            assert!(reason.contains("UTF-8"));
        }
        other => panic!("{other:?}"),
    }
    let p = dir.path().join("big.toml");
    let mut text = String::from(HEAD);
    text.push_str(&"# padding padding padding padding padding padding\n".repeat(100_000));
    std::fs::write(&p, text).unwrap();
    assert!(matches!(Schema::from_file(&p), Err(Error::Limit { .. })));
}

#[test]
fn resolve_ids_and_paths() {
    assert_eq!(Schema::resolve("kuaiji").unwrap().id, "kuaiji");
    assert!(matches!(Schema::resolve("wenshu"), Err(Error::Config(_))));
    assert!(matches!(
        Schema::resolve("/nonexistent/x.toml"),
        Err(Error::Io { .. })
    ));
    let p = Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../schemas/examples/unit-wenshu.toml"
    ));
    let s = Schema::resolve(p.to_str().unwrap()).unwrap();
    assert_eq!(s.id, "unit-wenshu");
    assert_eq!(s.extends.as_deref(), Some("dat46-wenshu"));
}

#[test]
fn minimal_schema_loads_with_defaults() {
    let t = format!(
        "{HEAD}\n[[element]]\nname = \"甲\"\nconstraint = \"必选\"\n\n[[element]]\nname = \"乙\"\nkind = \"container\"\n\n[[element]]\nname = \"丙\"\nparent = \"乙\"\ntype = \"date\"\n"
    );
    let s = Schema::from_toml(&t, Path::new("mem.toml")).unwrap();
    assert_eq!(s.elements.len(), 3);
    assert_eq!(s.path_of("丙"), Some("乙/丙"));
    assert!(s.archival_code.is_none());
    assert!(s.forbidden.control);
    assert_eq!(s.date_formats.len(), 3);
    assert_eq!(s.element("乙/丙").unwrap().origin.line, 14);
}
