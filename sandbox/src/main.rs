//! `arazzo-sandbox [--port N] [--sps-pending-polls N] [--sps-callback-url URL]`:
//! runs the Soracom and SPS API sandbox until Ctrl-C and prints their base
//! URLs and fixture credentials.

use std::net::{Ipv4Addr, SocketAddr};
use std::process::ExitCode;

use arazzo_sandbox::{Sandbox, fixtures, sps};

const USAGE: &str = "\
Usage: arazzo-sandbox [--port N] [--sps-pending-polls N] [--sps-callback-url URL]

Runs a fake Soracom SIM/Subscriber/Group/Auth API (under /v1) and a fake
wholesale SPS Subscriptions v5 API (under /sps/v5) on 127.0.0.1 until Ctrl-C.

Options:
  --port N                 listen on port N (default 0: a random free port)
  --sps-pending-polls N    SPS status polls answered Pending before a
                           transaction completes (default 2)
  --sps-callback-url URL   POST SPS completion notifications to URL
  -h, --help               print this help";

/// What the command line asked for.
enum Command {
    Serve(Sandbox, u16),
    Help,
}

fn parse_args(mut args: impl Iterator<Item = String>) -> Result<Command, String> {
    let mut port = 0;
    let mut sandbox = Sandbox::new();
    while let Some(arg) = args.next() {
        if matches!(arg.as_str(), "-h" | "--help") {
            return Ok(Command::Help);
        }
        // `--name value` or `--name=value`.
        let (name, value) = match arg.split_once('=') {
            Some((name, value)) => (name.to_owned(), value.to_owned()),
            None => {
                let value = args.next().ok_or_else(|| format!("{arg} needs a value"));
                (arg, value?)
            }
        };
        match name.as_str() {
            "--port" => {
                port = value
                    .parse()
                    .map_err(|_| format!("invalid port: {value}"))?;
            }
            "--sps-pending-polls" => {
                let polls = value
                    .parse()
                    .map_err(|_| format!("invalid poll count: {value}"))?;
                sandbox = sandbox.sps_pending_polls(polls);
            }
            "--sps-callback-url" => sandbox = sandbox.sps_callback_url(value),
            other => return Err(format!("unknown argument: {other}")),
        }
    }
    Ok(Command::Serve(sandbox, port))
}

fn print_banner(sandbox: &arazzo_sandbox::SandboxHandle) {
    let (api_key, token) = sandbox.issue_credentials();
    println!("arazzo-sandbox listening");
    println!("base URL:    {}", sandbox.base_url());
    println!("operator:    {}", fixtures::OPERATOR_ID);
    println!(
        "auth key:    authKeyId={} authKey={}",
        fixtures::AUTH_KEY_ID,
        fixtures::AUTH_KEY
    );
    println!(
        "root user:   email={} password={}",
        fixtures::OPERATOR_EMAIL,
        fixtures::OPERATOR_PASSWORD
    );
    println!("ready pair:  X-Soracom-API-Key: {api_key}");
    println!("             X-Soracom-Token: {token}");
    println!("cards (SIM ID / IMSI / registration secret / group):");
    for card in fixtures::CARDS {
        println!(
            "  {} / {} / {} / {}",
            card.sim_id,
            card.imsi,
            card.registration_secret,
            card.group_id.unwrap_or("-")
        );
    }
    let groups: Vec<&str> = fixtures::GROUPS.iter().map(|g| g.group_id).collect();
    println!("groups:      {}", groups.join(", "));
    println!("SPS base URL: {}", sandbox.sps_base_url());
    println!("SPS headers: Authorization: Bearer {}", sps::ACCESS_TOKEN);
    println!(
        "             {}: {} (any 1-12 characters)",
        sps::CUSTOMER_ID_HEADER,
        sps::CUSTOMER_ID
    );
    println!(
        "SPS outcomes: subscriberId or partnerTransactionId starting {:?} fails, {:?} never completes",
        sps::FAIL_PREFIX,
        sps::NEVER_PREFIX
    );
    println!("Press Ctrl-C to stop.");
}

#[tokio::main]
async fn main() -> ExitCode {
    let (builder, port) = match parse_args(std::env::args().skip(1)) {
        Ok(Command::Serve(builder, port)) => (builder, port),
        Ok(Command::Help) => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(message) => {
            eprintln!("arazzo-sandbox: {message}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
    let sandbox = match builder.bind(addr).start().await {
        Ok(sandbox) => sandbox,
        Err(error) => {
            eprintln!("arazzo-sandbox: cannot listen on {addr}: {error}");
            return ExitCode::FAILURE;
        }
    };
    print_banner(&sandbox);
    if let Err(error) = tokio::signal::ctrl_c().await {
        eprintln!("arazzo-sandbox: cannot wait for Ctrl-C: {error}");
    }
    sandbox.shutdown().await;
    ExitCode::SUCCESS
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<Command, String> {
        parse_args(args.iter().map(|s| (*s).to_owned()))
    }

    fn port(command: Result<Command, String>) -> Option<u16> {
        match command {
            Ok(Command::Serve(_, port)) => Some(port),
            _ => None,
        }
    }

    #[test]
    fn parses_port_forms() {
        assert_eq!(port(parse(&[])), Some(0));
        assert_eq!(port(parse(&["--port", "8080"])), Some(8080));
        assert_eq!(port(parse(&["--port=9"])), Some(9));
        assert!(matches!(parse(&["--help"]), Ok(Command::Help)));
        assert!(parse(&["--port"]).is_err());
        assert!(parse(&["--port", "x"]).is_err());
        assert!(parse(&["--bogus"]).is_err());
        assert!(parse(&["--bogus=1"]).is_err());
    }

    #[test]
    fn parses_sps_settings() {
        let Ok(Command::Serve(sandbox, 7)) = parse(&[
            "--sps-pending-polls=0",
            "--port",
            "7",
            "--sps-callback-url",
            "http://127.0.0.1:9/cb",
        ]) else {
            panic!("parses");
        };
        let expected = Sandbox::new()
            .sps_pending_polls(0)
            .sps_callback_url("http://127.0.0.1:9/cb");
        assert_eq!(sandbox, expected);
        assert!(parse(&["--sps-pending-polls", "-1"]).is_err());
    }
}
