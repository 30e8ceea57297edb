// References to inputs, parameters and actions `components` does not define.
arazzo_runtime::arazzo_workflow!("tests/fixtures/arazzo/unknown-component.yml");

fn main() {}
