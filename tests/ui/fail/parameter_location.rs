// A parameter with the wrong `in`, and a path parameter the path template lacks.
arazzo_runtime::arazzo_workflow!("tests/fixtures/arazzo/parameter-location.yml");

fn main() {}
