// Two calls in one module over one description both define `SimStatus`: the first error says to
// name both documents in one call.
mod sims {
    arazzo_runtime::arazzo_workflow!("tests/fixtures/arazzo/sim-status-a.yml");
    arazzo_runtime::arazzo_workflow!("tests/fixtures/arazzo/sim-status-b.yml");
}

fn main() {}
