//! Lets the CLI carry the single-file page. `make build` sets PROFDIFF_PAGE to
//! dist/profdiff.html (built first); the binary then includes it for `profdiff web` / `html`.
//! Without PROFDIFF_PAGE nothing is carried and those commands say how to get a build that has
//! it, so plain `cargo build` and `cargo test` work without the page.

use std::path::PathBuf;

fn main() {
    println!("cargo::rerun-if-changed=build.rs");
    println!("cargo::rerun-if-env-changed=PROFDIFF_PAGE");
    println!("cargo::rustc-check-cfg=cfg(profdiff_page)");
    let Some(page) = std::env::var_os("PROFDIFF_PAGE").filter(|p| !p.is_empty()) else {
        return;
    };
    let manifest = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").expect("set by cargo"));
    let path = manifest.join(page);
    if !path.is_file() {
        panic!(
            "PROFDIFF_PAGE={} does not exist: run `make dist` (or node scripts/build-dist.mjs) first",
            path.display()
        );
    }
    // No rerun-if-changed on the page: the binary's include_str! makes rustc track the file,
    // so a new page rebuilds the binary only, not the library.
    println!("cargo::rustc-cfg=profdiff_page");
    println!("cargo::rustc-env=PROFDIFF_PAGE_FILE={}", path.display());
}
