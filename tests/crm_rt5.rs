//! The Request Tracker connector against a real RT 5 (Debian's request-tracker5), started
//! here on 127.0.0.1 with its own copy of the database, stopped mid-test and started
//! again. Needs `tests/rt5/setup.sh` to have run (CI's `.ci/run` does).

use std::net::TcpStream;
use std::os::unix::process::CommandExt;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};
use tactful::core::crm::http::{basic_auth, Http, Request};
use tactful::core::crm::outbox::Outbox;
use tactful::core::crm::rt::{Rt, RtAuth, RtConfig};
use tactful::core::crm::*;
use tactful::native::{block_on, NativeHttp};

const RT_SERVER: &str = "/usr/share/request-tracker5/libexec/rt-server";
const PRISTINE_DB: &str = "/var/lib/dbconfig-common/sqlite3/request-tracker5/rtdb";

struct RtServer {
    port: u16,
    db: PathBuf,
    child: Option<Child>,
}

impl RtServer {
    /// A fresh copy of the installed database and a free port.
    fn new() -> RtServer {
        assert!(
            std::path::Path::new(RT_SERVER).exists() && std::path::Path::new("/etc/request-tracker5/RT_SiteConfig.d/99-tactful-tests.pm").exists(),
            "Request Tracker 5 is not set up: run tests/rt5/setup.sh (as root)"
        );
        let dir = std::env::temp_dir().join(format!("tactful-rt5-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let db = dir.join("rtdb");
        std::fs::copy(PRISTINE_DB, &db).expect("copy RT's pristine database");
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        RtServer { port, db, child: None }
    }

    fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    fn start(&mut self) {
        let log = std::fs::File::create(self.db.with_extension("log")).unwrap();
        let child = Command::new(RT_SERVER)
            .args(["--port", &self.port.to_string()])
            .env("TACTFUL_RT_PORT", self.port.to_string())
            .env("TACTFUL_RT_DB", &self.db)
            .stdout(log.try_clone().unwrap())
            .stderr(log)
            .stdin(Stdio::null())
            .process_group(0)
            .spawn()
            .expect("start rt-server");
        self.child = Some(child);
        let http = NativeHttp::new(Duration::from_secs(5));
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            let ok = block_on(http.send(Request::get(format!("{}/REST/2.0/queues/all", self.url())).header("Authorization", basic_auth("root", "password"))));
            if ok.is_ok_and(|r| r.status == 200) {
                return;
            }
            assert!(Instant::now() < deadline, "RT did not answer within 60 s; see {}", self.db.with_extension("log").display());
            std::thread::sleep(Duration::from_millis(250));
        }
    }

    /// Stops the server and its workers (the whole process group).
    fn stop(&mut self) {
        if let Some(mut c) = self.child.take() {
            // KILL, not TERM: Starlet waits on idle keep-alive connections when asked
            // politely, and an abrupt stop is the harder case for the outbox anyway.
            let _ = Command::new("kill").args(["-KILL", "--", &format!("-{}", c.id())]).status();
            let _ = c.wait();
            let deadline = Instant::now() + Duration::from_secs(20);
            while TcpStream::connect(("127.0.0.1", self.port)).is_ok() {
                assert!(Instant::now() < deadline, "RT still listening after stop");
                std::thread::sleep(Duration::from_millis(100));
            }
        }
    }
}

impl Drop for RtServer {
    fn drop(&mut self) {
        self.stop();
        if let Some(dir) = self.db.parent() {
            let _ = std::fs::remove_dir_all(dir);
        }
    }
}

fn rt(server: &RtServer) -> Rt {
    Rt::new(RtConfig { url: server.url(), auth: RtAuth::Basic { user: "root".into(), password: "password".into() }, queue: "General".into() })
}

/// Raw REST calls for setting up fixtures and checking what RT holds, independent of the
/// connector under test.
fn rest(server: &RtServer, method: &str, path: &str, body: Option<serde_json::Value>) -> serde_json::Value {
    let http = NativeHttp::default();
    let url = format!("{}/REST/2.0/{path}", server.url());
    let req = match body {
        Some(b) => Request::with_json(method, url, &b),
        None => Request::get(url),
    };
    let r = block_on(http.send(req.header("Authorization", basic_auth("root", "password")))).expect("RT answers");
    assert!((200..300).contains(&r.status), "{method} {path}: {} {}", r.status, r.body);
    serde_json::from_str(&r.body).unwrap_or(serde_json::Value::Null)
}

/// Subjects of a ticket's messages, in the order RT recorded them.
fn subjects(server: &RtServer, ticket: &str) -> Vec<String> {
    let v = rest(server, "GET", &format!("ticket/{ticket}/attachments?fields=Subject,TransactionId&per_page=100"), None);
    let mut items: Vec<(u64, String)> = v["items"].as_array().unwrap().iter().map(|a| (a["TransactionId"].as_str().unwrap().parse().unwrap(), a["Subject"].as_str().unwrap_or("").to_string())).collect();
    items.sort();
    items.into_iter().map(|(_, s)| s).collect()
}

fn reply(handle: &str, text: &str, at: i64) -> WriteOp {
    WriteOp::LogInteraction {
        customer: CustomerRef { identities: vec![Identity::new("x", handle)], display_name: Some("Dana Reyes".into()) },
        interaction: Interaction { id: String::new(), customer_id: String::new(), channel: "x".into(), kind: InteractionKind::Reply, direction: Direction::Outbound, permalink: Some(format!("https://x.com/{handle}/status/{at}")), text: text.into(), agent: Some("sam".into()), agent_id: Some("agent-test-1".into()), at, tone_findings: vec![], sentiment: None },
    }
}

/// Delivers what is due, advancing a virtual clock to the next retry when nothing is.
fn drain(conn: &Rt, outbox: &mut Outbox, now: &mut i64, rounds: usize) {
    let http = NativeHttp::new(Duration::from_secs(10));
    for _ in 0..rounds {
        if outbox.is_empty() {
            return;
        }
        let due = outbox.take_due(*now);
        if due.is_empty() {
            match outbox.next_due_at() {
                Some(t) => *now = t,
                None => return, // only refused writes left: they wait for the agent
            }
            continue;
        }
        for d in due {
            let r = block_on(conn.deliver(&http, &d.key, &d.op, d.maybe_done));
            outbox.complete(d.seq, r, *now);
        }
    }
}

#[test]
fn rt5_lookup_log_outage_and_exactly_once_delivery() {
    let mut server = RtServer::new();
    server.start();
    let conn = rt(&server);
    let http = NativeHttp::default();

    // test connection: right credentials, wrong password, nothing listening, no such host.
    assert!(block_on(conn.test_connection(&http)).unwrap().contains("General"));
    let wrong = Rt::new(RtConfig { url: server.url(), auth: RtAuth::Basic { user: "root".into(), password: "nope".into() }, queue: "General".into() });
    assert!(matches!(block_on(wrong.test_connection(&http)), Err(CrmError::Auth { .. })));
    let closed_port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let down = Rt::new(RtConfig { url: format!("http://127.0.0.1:{closed_port}"), auth: RtAuth::Token { token: "x".into() }, queue: "General".into() });
    assert!(matches!(block_on(down.test_connection(&http)), Err(CrmError::Unreachable { .. })));
    let nxdomain = Rt::new(RtConfig { url: "http://rt.invalid".into(), auth: RtAuth::Token { token: "x".into() }, queue: "General".into() });
    let e = block_on(nxdomain.test_connection(&http)).unwrap_err();
    assert!(matches!(e, CrmError::Dns { .. }), "{e:?}");
    let no_queue = Rt::new(RtConfig { queue: "Nope".into(), ..RtConfig { url: server.url(), auth: RtAuth::Basic { user: "root".into(), password: "password".into() }, queue: String::new() } });
    assert!(block_on(no_queue.test_connection(&http)).unwrap_err().explain("RT").contains("queue “Nope”"));

    // A customer who wrote before: an RT user named after their X handle, with a ticket.
    rest(&server, "POST", "user", Some(serde_json::json!({"Name": "x.dana_reyes", "RealName": "Dana Reyes", "EmailAddress": "dana@example.com"})));
    let t = rest(&server, "POST", "ticket", Some(serde_json::json!({"Queue": "General", "Subject": "Order AC-20431 is late", "Requestor": "x.dana_reyes", "Content": "Where is my order?"})));
    let ticket = t["id"].as_str().unwrap().to_string();

    // The post's author is looked up by handle (any spelling), and by email.
    let author = CustomerRef { identities: vec![Identity::new("x", "@Dana_Reyes")], display_name: Some("Dana".into()) };
    let c = block_on(conn.lookup(&http, &author)).unwrap().expect("found by handle");
    assert_eq!(c.display_names, ["Dana Reyes"]);
    assert!(c.identities.contains(&Identity::email("dana@example.com")));
    let by_email = CustomerRef { identities: vec![Identity::new("instagram", "new.handle"), Identity::email("DANA@example.com")], display_name: None };
    assert_eq!(block_on(conn.lookup(&http, &by_email)).unwrap().unwrap().id, c.id);
    assert_eq!(block_on(conn.lookup(&http, &CustomerRef { identities: vec![Identity::new("x", "nobody_here")], display_name: Some("Dana Reyes".into()) })).unwrap(), None, "never by display name");
    let h = block_on(conn.history(&http, &c, 10)).unwrap();
    assert_eq!(h.tickets.len(), 1);
    assert!(h.tickets[0].open && h.tickets[0].subject == "Order AC-20431 is late");
    assert_eq!(h.tickets[0].link.as_deref(), Some(format!("{}/Ticket/Display.html?id={ticket}", server.url()).as_str()));
    assert_eq!(h.interactions[0].text, "Where is my order?");

    // An interaction logged from the page lands as a comment on that ticket.
    let mut outbox = Outbox::new("it");
    let mut now = 0i64;
    outbox.enqueue(reply("dana_reyes", "Hi Dana, sorry for the wait. DM us?", 1), now);
    drain(&conn, &mut outbox, &mut now, 5);
    assert!(outbox.is_empty());
    assert_eq!(subjects(&server, &ticket).last().unwrap(), "Reply on x [Tactful it-1]");
    let h = block_on(conn.history(&http, &c, 10)).unwrap();
    assert_eq!(h.interactions[0].text, "Hi Dana, sorry for the wait. DM us?");
    assert_eq!(h.interactions[0].permalink.as_deref(), Some("https://x.com/dana_reyes/status/1"));

    // RT goes down: three more are queued and visible as waiting.
    server.stop();
    for (i, text) in ["first while down", "second while down", "third while down"].iter().enumerate() {
        outbox.enqueue(reply("dana_reyes", text, 10 + i as i64), now);
    }
    drain(&conn, &mut outbox, &mut now, 3);
    let st = outbox.status(now);
    assert_eq!(st.waiting, 3);
    assert!(matches!(st.last_error, Some(CrmError::Unreachable { .. })), "{:?}", st.last_error);
    let summary = st.summary("RT").unwrap();
    assert!(summary.starts_with("3 changes waiting for RT — retrying in "), "{summary}");

    // RT is back: all three arrive exactly once, in order.
    server.start();
    drain(&conn, &mut outbox, &mut now, 50);
    assert!(outbox.is_empty(), "{:?}", outbox.status(now));
    let subs = subjects(&server, &ticket);
    let tactful: Vec<&String> = subs.iter().filter(|s| s.contains("[Tactful it-")).collect();
    assert_eq!(tactful, ["Reply on x [Tactful it-1]", "Reply on x [Tactful it-2]", "Reply on x [Tactful it-3]", "Reply on x [Tactful it-4]"]);

    // A retry whose first attempt may have landed doesn't write twice.
    block_on(conn.deliver(&http, "it-4", &reply("dana_reyes", "third while down", 12), true)).unwrap();
    assert_eq!(subjects(&server, &ticket).iter().filter(|s| s.contains("it-4]")).count(), 1);

    // A new customer: an RT user and a ticket are created for them.
    let mut o2 = Outbox::new("new");
    o2.enqueue(reply("sam_new", "Welcome!", 20), now);
    drain(&conn, &mut o2, &mut now, 5);
    let sam = block_on(conn.lookup(&http, &CustomerRef { identities: vec![Identity::new("x", "sam_new")], display_name: None })).unwrap().expect("created");
    let sh = block_on(conn.history(&http, &sam, 5)).unwrap();
    assert_eq!(sh.tickets.len(), 1);
    assert_eq!(sh.interactions[0].text, "Welcome!");

    // A write RT refuses for good (no such queue) is kept for the agent with RT's reason.
    let bad = Rt::new(RtConfig { queue: "Nope".into(), url: server.url(), auth: RtAuth::Basic { user: "root".into(), password: "password".into() } });
    let mut o3 = Outbox::new("bad");
    o3.enqueue(WriteOp::CreateTicket { customer: CustomerRef { identities: vec![Identity::new("x", "dana_reyes")], display_name: None }, subject: "Refund".into(), text: "t".into() }, now);
    drain(&bad, &mut o3, &mut now, 3);
    let st = o3.status(now);
    assert_eq!(st.failed.len(), 1, "{st:?}");
    assert!(matches!(&st.failed[0].2, CrmError::Permission { reason } if reason.contains("Nope")), "{st:?}");
    assert_eq!(st.summary("RT").unwrap(), "1 refused by RT, needs you");
}
