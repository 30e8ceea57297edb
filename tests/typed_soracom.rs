//! Two documents over the Soracom SIM description compiled in one `arazzo_workflow!` call, run
//! against the sandbox: outputs are the description's types (`Sim`, `Vec<Sim>`, `SimStatus`),
//! one type per schema shared by both documents.

use arazzo_runtime::Client;
use arazzo_sandbox::SandboxHandle;
use arazzo_sandbox::fixtures::{GROUP_TRACKERS, SIM_1, SIM_ACTIVE};
use arazzo_workflows::soracom_sim::{RegisterAndActivateSimInputs, register_and_activate_sim};

mod sims {
    arazzo_runtime::arazzo_workflow!(
        "tests/fixtures/types/sims/details.arazzo.yaml",
        "tests/fixtures/types/sims/list.arazzo.yaml"
    );
}

use sims::{ListAllSimsInputs, Sim, SimDetailsInputs, SimStatus, list_all_sims, sim_details};

fn client_for(sandbox: &SandboxHandle) -> Client {
    let (key, token) = sandbox.issue_credentials();
    Client::builder()
        .server("simApi", sandbox.base_url())
        .api_key("api_key", key)
        .api_key("api_token", token)
        .build()
        .expect("client")
}

fn details(sim_id: &str) -> SimDetailsInputs {
    SimDetailsInputs {
        sim_id: sim_id.into(),
    }
}

#[tokio::test]
async fn a_sim_is_the_description_s_sim_down_to_its_session_status() {
    let sandbox = arazzo_sandbox::start().await.expect("sandbox");
    let client = client_for(&sandbox);
    let out = sim_details(&client, details(SIM_ACTIVE.sim_id))
        .await
        .expect("workflow succeeds");
    let sim: Sim = out.sim;
    assert_eq!(sim.sim_id.as_deref(), Some(SIM_ACTIVE.sim_id));
    assert_eq!(sim.status, Some(SimStatus::Active));
    let session = sim.session_status.expect("sessionStatus");
    assert_eq!(session.online, Some(true));
    assert_eq!(session.imsi.as_deref(), Some(SIM_ACTIVE.imsi));
    // Read through the step output with a pointer, typed as the member it reaches.
    let online: Option<bool> = out.online;
    assert_eq!(online, Some(true));
    let status: Option<SimStatus> = out.status;
    assert_eq!(status, Some(SimStatus::Active));
}

#[tokio::test]
async fn a_list_of_sims_is_a_vec_of_sim_and_shares_its_types_with_the_other_document() {
    let sandbox = arazzo_sandbox::start().await.expect("sandbox");
    let client = client_for(&sandbox);
    // A second SIM, registered and activated by the shipped workflow.
    register_and_activate_sim(
        &client,
        RegisterAndActivateSimInputs {
            sim_id: SIM_1.sim_id.into(),
            registration_secret: SIM_1.registration_secret.into(),
            group_id: GROUP_TRACKERS.group_id.into(),
        },
    )
    .await
    .expect("registered");

    let out = list_all_sims(&client, ListAllSimsInputs {})
        .await
        .expect("workflow succeeds");
    let sims: Vec<Sim> = out.sims;
    let ids: Vec<Option<&str>> = sims.iter().map(|s| s.sim_id.as_deref()).collect();
    assert_eq!(ids, [Some(SIM_1.sim_id), Some(SIM_ACTIVE.sim_id)]);
    assert_eq!(sims[1].sim_id.as_deref(), Some(SIM_ACTIVE.sim_id));
    let second: Sim = out.second;
    assert_eq!(second, sims[1]);

    // The `SimStatus` of one document's output is the `SimStatus` of the other's: compared
    // and handed over without conversion.
    let listed: Option<SimStatus> = out.second_status;
    let detailed = sim_details(&client, details(SIM_ACTIVE.sim_id))
        .await
        .expect("details")
        .status;
    assert_eq!(listed, detailed);
    let same: fn(Option<SimStatus>) -> Option<SimStatus> = |status| status;
    assert_eq!(same(detailed), Some(SimStatus::Active));
}
