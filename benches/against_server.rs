//! The seed workflow through the generated function against a sandbox started as a separate
//! process (`arazzo-sandbox --port N`), once for each of its six unregistered cards: the Rust
//! column of `bench/compare-interpreters.sh`, which starts the sandbox and sets
//!
//! - `ARAZZO_SERVER_URL`: the sandbox's base URL (`http://127.0.0.1:PORT/v1`)
//! - `ARAZZO_API_KEY`, `ARAZZO_TOKEN`: a pair the sandbox issued
//! - `ARAZZO_CARD` (optional): the SIM ID of the one card to run on
//!
//! Prints one line per run: the card's SIM ID and the milliseconds the run took. Without those
//! variables (as under a plain `cargo bench`) it prints how to use it and does nothing.

mod common;

use std::time::Instant;

use common::CARDS;

fn main() {
    let (Ok(base_url), Ok(api_key), Ok(token)) = (
        std::env::var("ARAZZO_SERVER_URL"),
        std::env::var("ARAZZO_API_KEY"),
        std::env::var("ARAZZO_TOKEN"),
    ) else {
        eprintln!(
            "against_server: set ARAZZO_SERVER_URL, ARAZZO_API_KEY and ARAZZO_TOKEN (bench/compare-interpreters.sh does)"
        );
        return;
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let client = arazzo_runtime::Client::builder()
        .server("simApi", &base_url)
        .api_key("api_key", api_key)
        .api_key("api_token", token)
        .build()
        .expect("client");
    let only = std::env::var("ARAZZO_CARD").ok();
    for card in CARDS
        .iter()
        .filter(|card| only.as_deref().is_none_or(|sim| sim == card.sim_id))
    {
        let started = Instant::now();
        runtime.block_on(common::generated(&client, card));
        println!(
            "{} {:.3}",
            card.sim_id,
            started.elapsed().as_secs_f64() * 1000.0
        );
    }
}
