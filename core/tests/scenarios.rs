//! The shared scenario manifest (`tests/scenarios.json`) run from Rust: the reference results the
//! Python and Kotlin runners are compared with (`tests/compare_scenarios.py`). Writes
//! `target/scenarios/rust.json`.

use guidang::record::{Component, Declared, Role};
use guidang::{Checker, RecordBuilder};
use serde_json::{json, Value};
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("workspace root")
        .to_path_buf()
}

fn text(v: &Value, key: &str) -> Option<String> {
    v.get(key).and_then(Value::as_str).map(str::to_string)
}

fn component(c: &Value) -> Component {
    let role = Role::parse(&text(c, "role").unwrap_or_else(|| "正文".into()));
    let mut comp = if let Some(p) = text(c, "path") {
        Component::from_path(role, root().join(p))
    } else if let Some(p) = text(c, "bytes_of") {
        let bytes = std::fs::read(root().join(&p)).unwrap_or_else(|e| panic!("{p}: {e}"));
        Component::from_bytes(role, text(c, "name").expect("name"), bytes)
    } else {
        let t = text(c, "text").expect("component needs path, bytes_of or text");
        Component::from_bytes(role, text(c, "name").expect("name"), t.into_bytes())
    };
    if let Some(n) = text(c, "name") {
        comp.name = n;
    }
    let mut d = Declared::default();
    if let Some(decl) = c.get("declared").and_then(Value::as_object) {
        for (k, v) in decl {
            let v = v.as_str().expect("declared values are strings").to_string();
            match k.as_str() {
                "格式信息" => d.format = Some(v),
                "计算机文件名" => d.file_name = Some(v),
                "计算机文件大小" => d.size = Some(v),
                "文档创建程序" => d.creating_application = Some(v),
                other => panic!("unknown declared attribute {other}"),
            }
        }
    }
    if let Some(dg) = c.get("digests").and_then(Value::as_object) {
        d.digests = dg
            .iter()
            .map(|(k, v)| (k.clone(), v.as_str().expect("hex").to_string()))
            .collect();
    }
    comp.declared = d;
    comp
}

fn run(s: &Value) -> Result<guidang::Report, guidang::Error> {
    if let Some(p) = text(s, "path") {
        return guidang::check_path(&root().join(p));
    }
    let r = s.get("record").expect("scenario needs path or record");
    let mut b = RecordBuilder::new(text(r, "id").expect("id"));
    if let Some(md) = r.get("metadata") {
        b = b.metadata_json(md);
    }
    if let Some(schema) = text(r, "schema") {
        b = b.schema(schema);
    }
    for c in r
        .get("components")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        b = b.component(component(c));
    }
    Checker::archiving().check(&b.build())
}

#[test]
fn shared_scenarios() {
    let path = root().join("tests/scenarios.json");
    let manifest: Value = serde_json::from_str(
        &std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display())),
    )
    .expect("valid JSON");
    let scenarios = manifest["scenarios"].as_array().expect("scenarios");
    assert!(scenarios.len() >= 10, "too few scenarios");
    let mut results = Vec::new();
    let mut problems = Vec::new();
    for s in scenarios {
        let id = text(s, "id").expect("id");
        match (run(s), text(s, "error")) {
            (Ok(report), want_err) => {
                let mut failed: Vec<String> = report.failed().map(|f| f.code.clone()).collect();
                failed.sort();
                failed.dedup();
                let findings: Vec<String> = report
                    .findings
                    .iter()
                    .map(|f| format!("{} {} {}", f.code, f.rule, f.outcome.as_str()))
                    .collect();
                if let Some(e) = want_err {
                    problems.push(format!("{id}: expected error {e}, got a report"));
                } else {
                    let verdict = report.verdict.as_str();
                    if Some(verdict.to_string()) != text(s, "verdict") {
                        problems.push(format!(
                            "{id}: verdict {verdict}, expected {:?} (failed {failed:?})",
                            text(s, "verdict")
                        ));
                    }
                    for code in s["failed"].as_array().into_iter().flatten() {
                        let code = code.as_str().expect("code");
                        if !failed.iter().any(|f| f == code) {
                            problems.push(format!("{id}: {code} did not fail (failed {failed:?})"));
                        }
                    }
                }
                results.push(json!({
                    "id": id, "verdict": report.verdict.as_str(), "failed": failed, "findings": findings
                }));
            }
            (Err(e), want_err) => {
                if want_err.as_deref() != Some(e.code()) {
                    problems.push(format!(
                        "{id}: error {} ({e}), expected {want_err:?}",
                        e.code()
                    ));
                }
                results.push(json!({"id": id, "error": e.code()}));
            }
        }
    }
    let out = root().join("target/scenarios");
    std::fs::create_dir_all(&out).expect("create target/scenarios");
    std::fs::write(
        out.join("rust.json"),
        serde_json::to_string_pretty(&json!({"lang": "rust", "results": results})).expect("json"),
    )
    .expect("write rust.json");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
