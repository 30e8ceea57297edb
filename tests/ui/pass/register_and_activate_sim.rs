//! The shipped workflow compiles, and its generated items have the types a caller relies on.

arazzo_runtime::arazzo_workflow!("workflows/arazzo/soracom-register-and-activate-sim-workflow.yml");

use std::future::Future;

/// Builds the inputs field by field, so a renamed or retyped field fails this case.
fn inputs() -> RegisterAndActivateSimInputs {
    RegisterAndActivateSimInputs {
        sim_id: String::from("8981100000000000000"),
        registration_secret: String::from("PUK-0000"),
        group_id: String::from("group-1"),
    }
}

/// Names the future the generated fn returns: `Send`, and resolving to the typed outputs.
fn call<'a>(
    client: &'a arazzo_runtime::Client,
    inputs: RegisterAndActivateSimInputs,
) -> impl Future<Output = Result<RegisterAndActivateSimOutputs, arazzo_runtime::Error>> + Send + 'a
{
    register_and_activate_sim(client, inputs)
}

/// Never run: only type-checked.
#[allow(dead_code)]
async fn onboard(client: &arazzo_runtime::Client) -> Result<String, arazzo_runtime::Error> {
    let out: RegisterAndActivateSimOutputs = call(client, inputs()).await?;
    let active: bool = out.status == "active";
    let status: &SimStatus = &out.status;
    let known: bool = matches!(status, SimStatus::Active | SimStatus::Other(_));
    let sim_id: String = out.sim_id;
    let group_id: String = out.group_id;
    Ok(format!("{sim_id} in {group_id}: active={active} known={known} ({})", out.status))
}

fn main() {}
