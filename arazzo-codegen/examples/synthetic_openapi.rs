//! Prints a synthetic OpenAPI description with the seed's SIM operations and N more
//! (`cargo run -p arazzo-codegen --example synthetic_openapi -- 720`), the one the generator bench
//! measures, for `bench/build-time.sh`.

#[path = "../benches/support/synthetic.rs"]
mod synthetic;

fn main() {
    let n = std::env::args()
        .nth(1)
        .and_then(|n| n.parse().ok())
        .unwrap_or(720);
    print!("{}", synthetic::synthetic_yaml(n));
}
