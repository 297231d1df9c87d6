//! Validates BagIt bags and prints errors and warnings: `cargo run --example bag_validate -- BAG...`.
fn main() {
    let mut failed = false;
    for a in std::env::args().skip(1) {
        match guidang::package::validate_bag(std::path::Path::new(&a)) {
            Ok(r) => {
                println!("{a}: {}", if r.is_valid() { "valid" } else { "INVALID" });
                for (f, m) in &r.errors {
                    println!("  error   {f}: {m}");
                }
                for (f, m) in &r.warnings {
                    println!("  warning {f}: {m}");
                }
                failed |= !r.is_valid();
            }
            Err(e) => {
                println!("{a}: {e}");
                failed = true;
            }
        }
    }
    std::process::exit(i32::from(failed));
}
