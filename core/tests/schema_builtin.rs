//! Both built-in schemas load and validate their complete example metadata with zero failures.
#![allow(clippy::unwrap_used)]

#[path = "schema_common.rs"]
mod common;
use common::*;
use guidang::report::Outcome;
use guidang::Schema;

#[test]
fn wenshu_example_passes() {
    let s = Schema::builtin("dat46-wenshu").unwrap();
    let md = example("wenshu-元数据.xml");
    let fs = s.validate_at(&md, today());
    println!("{}", describe(&fs));
    assert!(fails(&fs).is_empty(), "{}", describe(&fs));
}

#[test]
fn kuaiji_example_passes() {
    let s = Schema::builtin("kuaiji").unwrap();
    let md = example("kuaiji-元数据.xml");
    let fs = s.validate_at(&md, today());
    println!("{}", describe(&fs));
    assert!(fails(&fs).is_empty(), "{}", describe(&fs));
    let _ = Outcome::Pass;
}
