// A payload the operation's closed request schema rejects.
arazzo_runtime::arazzo_workflow!("tests/fixtures/arazzo/request-payload.yml");

fn main() {}
