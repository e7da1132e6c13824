//! A real browser through the pages people use: an enterprise posts a need with the
//! form, a moderator approves it in the queue, and anyone then finds it in the search.
//! Headless Chromium driven over WebDriver by a chromedriver this test starts itself.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use fantoccini::elements::Element;
use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::{Value, json};

use super::start;

const DEMO_PASSWORD: &str = "demo-password";
const ENTERPRISE: &str = "enterprise@demo.techmatch";
const MODERATOR: &str = "moderator@demo.techmatch";
/// Unique to this test, so that the search cannot be satisfied by the demo data.
const TITLE: &str = "浏览器测试：煤矸石制备陶粒技术";
/// Generous because page loads share two cores with the rest of the test run.
const STEP: Duration = Duration::from_secs(20);
/// The search index follows the database within about a second; this leaves headroom.
const INDEX_CATCH_UP: Duration = Duration::from_secs(15);

#[tokio::test]
async fn a_need_posted_in_the_browser_is_approved_and_found_in_search() {
    let (Some(chromedriver), Some(chromium)) = (on_path("chromedriver"), on_path("chromium"))
    else {
        if std::env::var("TECHMATCH_SKIP_BROWSER").as_deref() == Ok("1") {
            eprintln!("note: browser test skipped (TECHMATCH_SKIP_BROWSER=1)");
            return;
        }
        panic!(
            "the browser test needs Chromium and ChromeDriver on PATH: install them with \
             `apt-get install chromium chromium-driver`, or set TECHMATCH_SKIP_BROWSER=1 to skip it"
        );
    };
    // Declared first so that it goes last, after the server and the browser using it.
    let scratch = tempfile::tempdir().unwrap_or_else(|e| panic!("temp dir: {e}"));
    let server = start(&scratch.path().join("data"));
    let driver = ChromeDriver::start(&chromedriver, scratch.path()).await;
    let client = open_browser(&driver, &chromium, &scratch.path().join("profile")).await;

    // The scenario runs in its own task so that a failed assertion still lets the session
    // be closed, which is what makes Chromium exit. A local task, because the futures of
    // its async closures are not provably Send.
    let page = Page {
        client: client.clone(),
        base: server.base.clone(),
    };
    let outcome = tokio::task::LocalSet::new()
        .run_until(async {
            tokio::task::spawn_local(async move {
                publish_review_and_find(&page).await;
                bureau_dashboard(&page).await;
            })
            .await
        })
        .await;
    if let Err(e) = client.close().await {
        eprintln!("closing the browser session: {e}");
    }
    if let Err(e) = outcome {
        match e.try_into_panic() {
            Ok(panic) => std::panic::resume_unwind(panic),
            Err(e) => panic!("the browser scenario did not finish: {e}"),
        }
    }
}

async fn publish_review_and_find(page: &Page) {
    // The enterprise writes the need and sends it for review.
    page.log_in_at("/me/new", ENTERPRISE).await;
    page.fill("#title", TITLE).await;
    page.fill(
        "#body",
        "利用煤矸石和粉煤灰烧制轻质陶粒，要求堆积密度不高于 600 kg/m³，筒压强度不低于 4 MPa。",
    )
    .await;
    page.fill("#keywords", "煤矸石、陶粒、固废利用").await;
    let industry = page.find("#industry").await;
    page.ok(
        industry.select_by_label("新材料").await,
        "choosing the industry",
    )
    .await;
    page.fill("#trl", "中试").await;
    page.fill("#price", "50-200").await;
    // Typing into a date input depends on the browser's locale; the value does not.
    let deadline = json!(format!("{}-12-31", this_year() + 2));
    let set = page
        .client
        .execute(
            "document.getElementById('deadline').value = arguments[0];",
            vec![deadline],
        )
        .await;
    page.ok(set, "setting the deadline").await;
    page.click(Locator::Css("input[name='modes']")).await;
    page.fill("#region", "山西省").await;
    page.click(Locator::XPath("//button[normalize-space()='保存为草稿']"))
        .await;

    page.wait_until("the saved draft's page", async || {
        let url = page.client.current_url().await.ok()?;
        let id = url.path().strip_prefix("/me/postings/")?;
        id.bytes().all(|b| b.is_ascii_digit()).then_some(())
    })
    .await;
    page.expect_text("h1", TITLE).await;
    page.expect_text(".status", "草稿").await;
    page.click(Locator::Css("button[name='action'][value='submit']"))
        .await;
    page.expect_text(".status", "待审核").await;
    page.log_out().await;

    // The moderator finds it in the queue and approves it.
    page.log_in_at("/bureau/queue", MODERATOR).await;
    let item = format!("//article[h2[normalize-space()='{TITLE}']]");
    page.wait_for(Locator::XPath(&item)).await;
    page.click(Locator::XPath(&format!(
        "{item}//button[@name='action'][@value='approve']"
    )))
    .await;
    page.wait_until("the need to leave the queue", async || {
        let left = page.client.find_all(Locator::XPath(&item)).await.ok()?;
        left.is_empty().then_some(())
    })
    .await;
    page.log_out().await;

    // Anyone searching for it now finds it, once the index has caught up.
    page.open("/?kind=needs").await;
    page.fill("#q", TITLE).await;
    page.click(Locator::Css("form.search button[type='submit']"))
        .await;
    let deadline = Instant::now() + INDEX_CATCH_UP;
    loop {
        let mut titles = Vec::new();
        if let Ok(hits) = page.client.find_all(Locator::Css("ol.results h3")).await {
            for hit in hits {
                titles.push(hit.text().await.unwrap_or_default());
            }
        }
        if titles.iter().any(|t| t.trim() == TITLE) {
            break;
        }
        if Instant::now() > deadline {
            page.fail(&format!(
                "the approved need is not in the search results after {INDEX_CATCH_UP:?}; \
                 results: {titles:?}"
            ))
            .await;
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
        page.ok(page.client.refresh().await, "reloading the search")
            .await;
    }
}

/// The bureau's dashboard shows the figures the statistics API gives, draws the
/// ecosystem map, and a click on a cluster of the map narrows the dashboard to it. With
/// `TECHMATCH_SCREENSHOTS=DIR` it saves the dashboard and the map as PNG files there
/// (how `docs/` got its pictures).
async fn bureau_dashboard(page: &Page) {
    const RANGE: &str = "from=2020-01-01&to=2030-12-31";
    page.log_in_at("/bureau/dashboard", "admin@demo.techmatch")
        .await;
    page.open(&format!("/api/v1/statistics?{RANGE}")).await;
    let body = page.find("body").await;
    let json = page
        .ok(body.text().await, "reading the statistics API")
        .await;
    let api: Value = serde_json::from_str(&json).unwrap_or_else(|e| panic!("{e}: {json}"));
    page.open(&format!("/bureau/dashboard?{RANGE}")).await;
    for figure in [
        "needs_posted",
        "needs_published",
        "achievements_published",
        "matches_proposed",
        "contacts_accepted",
        "deals_signed",
    ] {
        let expected = api["totals"][figure].to_string();
        page.expect_text(&format!("dd[data-figure='{figure}']"), &expected)
            .await;
    }
    let clusters = page
        .ok(
            page.client
                .find_all(Locator::Css("#ecosystem a[data-cluster]"))
                .await,
            "finding the map's clusters",
        )
        .await;
    let api_clusters = api["ecosystem"]["clusters"].as_array().map_or(0, Vec::len);
    if clusters.len() != api_clusters || clusters.is_empty() {
        page.fail(&format!(
            "the map draws {} clusters, the API has {api_clusters}",
            clusters.len()
        ))
        .await;
    }
    if let Ok(dir) = std::env::var("TECHMATCH_SCREENSHOTS") {
        save_screenshots(page, Path::new(&dir)).await;
    }
    let first = page
        .ok(clusters[0].attr("data-cluster").await, "reading a cluster")
        .await
        .unwrap_or_default();
    page.ok(clusters[0].click().await, "clicking a cluster on the map")
        .await;
    page.wait_until(
        "the dashboard narrowed to the clicked cluster",
        async || {
            let url = page.client.current_url().await.ok()?;
            url.query_pairs()
                .any(|(k, v)| k == "cluster" && v == first)
                .then_some(())
        },
    )
    .await;
}

/// The dashboard's top and its ecosystem map as PNG files under `dir`.
async fn save_screenshots(page: &Page, dir: &Path) {
    let resize = page.client.set_window_size(1280, 2200).await;
    page.ok(resize, "making the window tall").await;
    let whole = page
        .ok(page.client.screenshot().await, "taking a screenshot")
        .await;
    std::fs::write(dir.join("dashboard.png"), whole).unwrap_or_else(|e| panic!("{e}"));
    let map = page.find("#ecosystem").await;
    let picture = page
        .ok(map.screenshot().await, "taking the map's screenshot")
        .await;
    std::fs::write(dir.join("ecosystem-map.png"), picture).unwrap_or_else(|e| panic!("{e}"));
    let back = page.client.set_window_size(1280, 900).await;
    page.ok(back, "restoring the window").await;
}

/// The browser on one server, with failures that say where the browser was.
struct Page {
    client: Client,
    base: String,
}

impl Page {
    async fn open(&self, path: &str) {
        let url = format!("{}{path}", self.base);
        self.ok(self.client.goto(&url).await, &format!("opening {url}"))
            .await;
    }

    async fn wait_for(&self, locator: Locator<'_>) -> Element {
        match self.client.wait().at_most(STEP).for_element(locator).await {
            Ok(element) => element,
            Err(e) => self.fail(&format!("waiting for {locator:?}: {e}")).await,
        }
    }

    async fn find(&self, css: &str) -> Element {
        self.wait_for(Locator::Css(css)).await
    }

    async fn fill(&self, css: &str, text: &str) {
        let field = self.find(css).await;
        self.ok(field.clear().await, &format!("clearing {css}"))
            .await;
        self.ok(field.send_keys(text).await, &format!("typing into {css}"))
            .await;
    }

    async fn click(&self, locator: Locator<'_>) {
        let element = self.wait_for(locator).await;
        self.ok(element.click().await, &format!("clicking {locator:?}"))
            .await;
    }

    /// Polls until `check` gives `Some`, for at most one step's time.
    async fn wait_until<T>(&self, what: &str, check: impl AsyncFn() -> Option<T>) -> T {
        let deadline = Instant::now() + STEP;
        loop {
            if let Some(found) = check().await {
                return found;
            }
            if Instant::now() > deadline {
                self.fail(&format!("waited {STEP:?} for {what}")).await;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Waits until the first element matching `css` shows exactly `expected`.
    async fn expect_text(&self, css: &str, expected: &str) {
        let what = format!("{css} to read {expected:?}");
        self.wait_until(&what, async || {
            let element = self.client.find(Locator::Css(css)).await.ok()?;
            let text = element.text().await.ok()?;
            (text.trim() == expected).then_some(())
        })
        .await;
    }

    /// Opens a page that needs an account, which sends the browser through the login
    /// form and back to it.
    async fn log_in_at(&self, path: &str, email: &str) {
        self.open(path).await;
        self.fill("#email", email).await;
        self.fill("#password", DEMO_PASSWORD).await;
        self.click(Locator::Css("form[action='/login'] button[type='submit']"))
            .await;
        // Only a signed-in page has the logout button in its header.
        self.wait_for(Locator::Css("form[action='/logout'] button"))
            .await;
        let back = format!("the login to return to {path}");
        self.wait_until(&back, async || {
            let url = self.client.current_url().await.ok()?;
            (url.path() == path).then_some(())
        })
        .await;
    }

    async fn log_out(&self) {
        self.click(Locator::Css("form[action='/logout'] button"))
            .await;
        self.wait_for(Locator::Css("header.site a[href='/login']"))
            .await;
    }

    /// The value, or a failure saying what was being done.
    async fn ok<T>(&self, result: Result<T, fantoccini::error::CmdError>, doing: &str) -> T {
        match result {
            Ok(value) => value,
            Err(e) => self.fail(&format!("{doing}: {e}")).await,
        }
    }

    /// Fails the test with the page the browser is on and what it shows.
    async fn fail(&self, problem: &str) -> ! {
        let url = match self.client.current_url().await {
            Ok(url) => url.to_string(),
            Err(e) => format!("(unknown: {e})"),
        };
        let text = match self.client.find(Locator::Css("body")).await {
            Ok(body) => body.text().await.unwrap_or_default(),
            Err(_) => String::new(),
        };
        panic!("{problem}\n  page: {url}\n  shows:\n{text}");
    }
}

/// A chromedriver on a free local port, killed with its browsers when dropped.
struct ChromeDriver {
    child: Child,
    url: String,
}

impl ChromeDriver {
    async fn start(binary: &Path, scratch: &Path) -> ChromeDriver {
        let log_path = scratch.join("chromedriver.log");
        // Another process can take the port between asking for it and chromedriver
        // binding it; chromedriver then exits, and another port is tried.
        for _ in 0..3 {
            let port = free_port();
            let log = std::fs::File::create(&log_path)
                .unwrap_or_else(|e| panic!("{}: {e}", log_path.display()));
            let log_too = log
                .try_clone()
                .unwrap_or_else(|e| panic!("{}: {e}", log_path.display()));
            let mut command = Command::new(binary);
            command
                .arg(format!("--port={port}"))
                .stdin(Stdio::null())
                .stdout(log)
                .stderr(log_too);
            // Chromium outlives a killed chromedriver; its own process group lets the
            // guard take the browsers with it.
            std::os::unix::process::CommandExt::process_group(&mut command, 0);
            let child = command
                .spawn()
                .unwrap_or_else(|e| panic!("cannot start {}: {e}", binary.display()));
            let mut driver = ChromeDriver {
                child,
                url: format!("http://127.0.0.1:{port}"),
            };
            if driver.ready().await {
                return driver;
            }
        }
        let log = std::fs::read_to_string(&log_path).unwrap_or_default();
        panic!("chromedriver did not start; its output:\n{log}");
    }

    /// Waits until the driver reports it is ready; false if it exited first.
    async fn ready(&mut self) -> bool {
        let http = super::http_client();
        let deadline = Instant::now() + STEP;
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return false;
            }
            let status = http.get(format!("{}/status", self.url)).send().await;
            if let Ok(response) = status
                && let Ok(body) = response.json::<Value>().await
                && body["value"]["ready"] == json!(true)
            {
                return true;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!(
            "chromedriver at {} did not become ready in {STEP:?}",
            self.url
        );
    }
}

impl Drop for ChromeDriver {
    fn drop(&mut self) {
        // The group is killed while its leader is still unreaped, so its id cannot have
        // been reused by then.
        let _ = Command::new("kill")
            .args(["-KILL", "--", &format!("-{}", self.child.id())])
            .stderr(Stdio::null())
            .status();
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

async fn open_browser(driver: &ChromeDriver, chromium: &Path, profile: &Path) -> Client {
    let mut capabilities = serde_json::Map::new();
    capabilities.insert(
        "goog:chromeOptions".to_owned(),
        json!({
            "binary": chromium,
            "args": [
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                // Containers often have a small /dev/shm, which crashes tabs; Debian's
                // launcher means to add this itself but its size check can misfire.
                "--disable-dev-shm-usage",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                format!("--user-data-dir={}", profile.display()),
                "--window-size=1280,900",
            ],
        }),
    );
    // fantoccini's default TLS is OpenSSL, which is not here; the driver speaks plain HTTP.
    ClientBuilder::new(HttpConnector::new())
        .capabilities(capabilities)
        .connect(&driver.url)
        .await
        .unwrap_or_else(|e| panic!("cannot open a Chromium session through chromedriver: {e}"))
}

fn on_path(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(name))
        .find(|candidate| candidate.is_file())
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .map(|address| address.port())
        .unwrap_or_else(|e| panic!("no free local port: {e}"))
}

fn this_year() -> u64 {
    let seconds = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or_default();
    // Close enough for a date two years out.
    1970 + seconds / 31_556_952
}
