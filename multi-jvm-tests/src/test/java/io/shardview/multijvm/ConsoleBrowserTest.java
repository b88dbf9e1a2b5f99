package io.shardview.multijvm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The web console (docs/console.md) in a real browser: Debian's Chromium, headless, driven through its chromedriver
 * by Selenium, against the packaged node with auth on. The admin token is entered once; a tenant is created in the SQL
 * editor after a refusal placed at its line; a change arrives in a view's live stream after an ingest; rows are paged;
 * a PromQL graph is drawn; the cluster and tokens pages show; a tenant token made on the tokens page sees its tenant
 * and is refused another's. Screenshots go to {@code target/console/} (docs/images/ has two of them for the README).
 * Skipped where Chromium is not installed ({@code .ci/run} installs it, as it installs Prometheus).
 */
class ConsoleBrowserTest {
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final String ADMIN = "console-test-admin-token-0123456789";
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    Path tmp;

    private NodeProcess node;
    private WebDriver browser;

    @AfterEach
    void close() {
        if (browser != null) browser.quit();
        if (node != null) node.close();
    }

    @Test
    void aNewcomerWorksThroughTheConsole() throws Exception {
        assumeChromium();
        String url = serveWithAuth();
        browser = chromium();
        WebDriverWait wait = new WebDriverWait(browser, WAIT);
        wait.ignoring(org.openqa.selenium.StaleElementReferenceException.class); // the page redraws as answers come
        Path shots = NodeProcess.ROOT.resolve("multi-jvm-tests/target/console");
        Files.createDirectories(shots);

        // Without a token the API refuses, and the page says so in the API's words; the token is entered once.
        browser.get(url + "/console");
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("page"), "unauthorized"));
        browser.findElement(By.id("token-button")).click();
        browser.findElement(By.id("token-input")).sendKeys(ADMIN);
        browser.findElement(By.cssSelector("#token-dialog button[value=save]")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("page"), "No tenant yet"));

        // A tenant created in the SQL editor, after a refusal shown at its line and column.
        browser.get(url + "/console/#/tenants/shop");
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("summary"), "No tenant shop yet"));
        WebElement sql = browser.findElement(By.id("sql-editor"));
        sql.sendKeys("CREATE TABLE orders (id BIGINT PRIMARY KEY, customer VARCHAR NOT NULL, amount INT);\n"
                + "CREATE VIEW totals AS SELEC customer, COUNT(*) AS n FROM orders GROUP BY customer");
        browser.findElement(By.id("run-sql")).click();
        WebElement refusal = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("sql-refusal")));
        String marked = refusal.findElement(By.className("sql-error-line")).getText();
        assertTrue(marked.startsWith("   2  CREATE VIEW totals AS SELEC"), "the refused line is marked: " + marked);
        assertTrue(browser.findElement(By.id("sql-caret")).getText().contains("line 2"), refusal.getText());
        assertEquals(
                "syntax_error",
                browser.findElement(By.cssSelector("#sql-result .error")).getAttribute("data-code"));
        screenshot(shots, "sql-refusal");
        sql.clear();
        sql.sendKeys("CREATE TABLE orders (id BIGINT PRIMARY KEY, customer VARCHAR NOT NULL, amount INT);\n"
                + "CREATE VIEW totals AS SELECT customer, COUNT(*) AS n, SUM(amount) AS spent FROM orders GROUP BY"
                + " customer");
        browser.findElement(By.id("run-sql")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("sql-result"), "Applied at version 1"));
        wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#views tr[data-view=totals]")));
        // The refusal is among the tenant's recent errors, as the node answered it.
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("errors-table"), "syntax_error"));
        assertTrue(browser.findElement(By.id("errors-table")).getText().contains("POST /v1/tenants/shop/sql"));

        // A live change stream: the snapshot, then the change an ingest from the page makes.
        browser.findElement(By.cssSelector("#views tr[data-view=totals] button.changes"))
                .click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("stream-status"), "live"));
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("stream-version"), "version 1"));
        browser.findElement(By.id("ingest-editor"))
                .sendKeys("{\"ops\": [{\"op\": \"insert\", \"table\": \"orders\", \"row\": {\"id\": 1, \"customer\":"
                        + " \"ann\", \"amount\": 120}}, {\"op\": \"insert\", \"table\": \"orders\", \"row\": {\"id\":"
                        + " 2, \"customer\": \"bob\", \"amount\": 400}}]}");
        browser.findElement(By.id("send-ingest")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("ingest-result"), "Applied at version 2"));
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("stream-events"), "\"customer\":\"bob\""));
        assertEquals(
                2,
                browser.findElements(By.cssSelector("#stream-events tr.inserted"))
                        .size(),
                "two rows inserted into the view at version 2");
        ((org.openqa.selenium.JavascriptExecutor) browser)
                .executeScript("document.getElementById('stream-panel').scrollIntoView()");
        screenshot(shots, "tenant");

        // The view's plan, drawn: its aggregate over a read of orders, the aggregate holding state.
        browser.findElement(By.xpath("//table[@id='views']//tr[@data-view='totals']//button[text()='Plan']"))
                .click();
        WebElement plan = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("plan-graph")));
        assertTrue(plan.getText().contains("Read orders"), plan.getText());
        assertTrue(
                browser.findElements(By.cssSelector("#plan-graph g.operator")).size() >= 2,
                "operators drawn: " + plan.getText());
        screenshot(shots, "plan");

        // Pages of rows: 250 more rows through the API, read 100 at a time.
        StringBuilder batch = new StringBuilder("{\"ops\": [");
        for (int id = 10; id < 260; id++) {
            if (id > 10) batch.append(',');
            batch.append("{\"op\": \"insert\", \"table\": \"orders\", \"row\": {\"id\": ")
                    .append(id)
                    .append(", \"customer\": \"c")
                    .append(id % 7)
                    .append("\", \"amount\": ")
                    .append(id)
                    .append("}}");
        }
        assertEquals(200, post(url + "/v1/tenants/shop/ingest", "application/json", batch + "]}", ADMIN));
        browser.navigate().refresh();
        WebElement rows = wait.until(ExpectedConditions.elementToBeClickable(
                By.xpath("//table[@id='tables']//tr[td[1][text()='orders']]//button")));
        rows.click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("rows-panel"), "252 rows"));
        assertTrue(browser.findElement(By.id("rows-panel")).getText().contains("rows 1–100"));
        browser.findElement(By.id("rows-next")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("rows-panel"), "rows 101–200"));

        // Points pasted into the metrics page's ingest box, stored a minute apart over the last ten minutes.
        long now = System.currentTimeMillis();
        StringBuilder points = new StringBuilder();
        for (int i = 0; i < 10; i++) {
            points.append("{\"metric\":{\"__name__\":\"requests_total\",\"code\":\"")
                    .append(200 + i % 2 * 300)
                    .append("\"},\"values\":[")
                    .append(i * 10)
                    .append("],\"timestamps\":[")
                    .append(now - 600_000 + i * 60_000)
                    .append("]}\n");
        }
        browser.get(url + "/console/#/metrics");
        browser.findElement(By.id("metrics-tenant")).sendKeys("shop");
        WebElement pasted = browser.findElement(By.id("metrics-ingest-editor"));
        ((org.openqa.selenium.JavascriptExecutor) browser)
                .executeScript("arguments[0].value = arguments[1]", pasted, points.toString());
        browser.findElement(By.id("send-points")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("metrics-ingest-result"), "Stored."));
        // The family's TYPE and HELP, in the Prometheus text format, shown later beside its name when completing.
        new org.openqa.selenium.support.ui.Select(browser.findElement(By.id("ingest-format")))
                .selectByValue("prometheus");
        pasted.clear();
        pasted.sendKeys("# HELP requests_total Requests served.\n# TYPE requests_total counter\n"
                + "requests_total{code=\"200\"} 100\n");
        browser.findElement(By.id("send-points")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("metrics-ingest-result"), "Stored."));
        browser.findElement(By.id("promql")).sendKeys("requests_total");
        browser.findElement(By.id("run-promql")).click();
        WebElement chart = wait.until(ExpectedConditions.presenceOfElementLocated(By.id("metrics-chart")));
        wait.until(driver -> {
            String drawn = chart.getAttribute("data-points");
            return drawn != null && Integer.parseInt(drawn) > 0;
        });
        assertTrue(browser.findElement(By.className("legend")).getText().contains("requests_total{code=\"500\"}"));
        screenshot(shots, "metrics");
        browser.findElement(By.cssSelector(".tabs button[data-view=table]")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("metrics-table"), "requests_total"));

        // Completion of label names and values as the query is typed, and of a metric name in the middle of a query
        // (Tab takes the chosen one); the cardinality of the tenant's series.
        WebElement promql = browser.findElement(By.id("promql"));
        promql.clear();
        promql.sendKeys("requests_total{co");
        wait.until(
                ExpectedConditions.presenceOfElementLocated(By.cssSelector("#completions li[data-value='code=\"']")));
        promql.sendKeys("de=\"");
        wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#completions li[data-value='500\"']")));
        promql.clear();
        promql.sendKeys("sum(rate(re[5m]))");
        promql.sendKeys(org.openqa.selenium.Keys.HOME);
        for (int i = 0; i < "sum(rate(re".length(); i++) promql.sendKeys(org.openqa.selenium.Keys.ARROW_RIGHT);
        WebElement offered = wait.until(ExpectedConditions.presenceOfElementLocated(
                By.cssSelector("#completions li[data-value='requests_total']")));
        assertTrue(offered.getText().contains("counter"), "the family's type beside its name: " + offered.getText());
        assertEquals("Requests served.", offered.getAttribute("title"));
        promql.sendKeys(org.openqa.selenium.Keys.TAB);
        assertEquals("sum(rate(requests_total[5m]))", promql.getAttribute("value"));
        browser.findElement(By.cssSelector(".tabs button[data-view=graph]")).click();
        browser.findElement(By.id("run-promql")).click();
        wait.until(driver -> {
            String drawn = driver.findElement(By.id("metrics-chart")).getAttribute("data-points");
            return drawn != null && Integer.parseInt(drawn) > 0;
        });

        // Export: the series as JSON lines.
        browser.findElement(By.id("run-export")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("export-lines"), "\"requests_total\""));
        browser.findElement(By.cssSelector(".tabs button[data-view=cardinality]"))
                .click();
        WebElement perMetric = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("cardinality-metrics")));
        assertTrue(perMetric.getText().contains("requests_total 2"), perMetric.getText());
        assertTrue(
                browser.findElement(By.id("cardinality-labels")).getText().contains("code 2 2"),
                browser.findElement(By.id("cardinality-labels")).getText());

        // A PromQL parse error is shown at its column.
        browser.findElement(By.cssSelector(".tabs button[data-view=graph]")).click();
        promql.clear();
        promql.sendKeys("sum(rate(requests_total[5m]) by");
        browser.findElement(By.id("run-promql")).click();
        WebElement caret = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("promql-error")));
        assertTrue(caret.getText().contains("^ column"), caret.getText());
        assertEquals(
                "bad_data",
                browser.findElement(By.cssSelector("#metrics-result .error")).getAttribute("data-code"));

        // The tenants page: each tenant's version, events a second and state against its budgets.
        browser.get(url + "/console/#/tenants");
        wait.until(ExpectedConditions.textToBePresentInElementLocated(
                By.cssSelector("tr[data-tenant=shop] td.version"), "3"));
        assertTrue(browser.findElement(By.cssSelector("tr[data-tenant=shop] td.budgets"))
                .getText()
                .contains("state-rows"));
        wait.until(driver -> !driver.findElement(By.cssSelector("tr[data-tenant=shop] td.rate"))
                .getText()
                .equals("…")); // the second refresh, 5 s later, gives a rate
        wait.until(driver -> !driver.findElements(By.cssSelector("tr[data-tenant=shop] td.errors .badge.bad"))
                .isEmpty());
        screenshot(shots, "tenants");

        // The cluster: this node, Up and reachable, holding the tenant's shard.
        browser.get(url + "/console/#/cluster");
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("cluster"), "Region default"));
        assertTrue(
                browser.findElement(By.cssSelector("table.members")).getText().contains("Up"));
        wait.until(ExpectedConditions.textToBePresentInElementLocated(
                By.cssSelector("table.members thead"), "TENANT-CIRCUIT RUNNING"));
        assertTrue(browser.findElement(By.id("replication"))
                .getText()
                .contains("No replica follows a home in another region"));
        assertTrue(!browser.findElements(By.cssSelector("#events-table tr[data-kind=member_up]"))
                .isEmpty());
        screenshot(shots, "cluster");

        // A tenant token made on the tokens page sees its tenant and is refused another's.
        browser.get(url + "/console/#/tokens");
        browser.findElement(By.id("token-tenant")).sendKeys("shop");
        browser.findElement(By.id("token-name")).sendKeys("console-test");
        browser.findElement(By.id("create-token")).click();
        String tenantToken = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("new-token")))
                .getText();
        assertTrue(tenantToken.startsWith("svt_"), tenantToken);
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("tokens"), "console-test"));
        screenshot(shots, "tokens");
        browser.findElement(By.id("token-button")).click();
        WebElement input = browser.findElement(By.id("token-input"));
        input.clear();
        input.sendKeys(tenantToken);
        browser.findElement(By.cssSelector("#token-dialog button[value=save]")).click();
        browser.get(url + "/console/#/tenants/shop");
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("summary"), "version"));
        browser.get(url + "/console/#/tenants/other");
        WebElement forbidden =
                wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#summary .error")));
        assertEquals("forbidden", forbidden.getAttribute("data-code"), forbidden.getText());
    }

    /**
     * Large answers stay usable: a change stream's snapshot of a 100,000-row view draws its first 1,000 rows and says
     * how many more there are; a query of 10,000 series draws 200 of them, pages its table and shows part of its JSON.
     */
    @Test
    void largeAnswersAreShownInPartsAndPages() throws Exception {
        assumeChromium();
        String url = serveWithAuth();
        assertEquals(
                200,
                post(
                        url + "/v1/tenants/big/sql",
                        "application/sql",
                        "CREATE TABLE t (id BIGINT PRIMARY KEY, v INT); CREATE VIEW everything AS SELECT id, v FROM t",
                        ADMIN));
        for (int batch = 0; batch < 2; batch++) {
            StringBuilder ops = new StringBuilder();
            for (int id = batch * 50_000; id < (batch + 1) * 50_000; id++)
                ops.append("{\"op\":\"insert\",\"table\":\"t\",\"row\":{\"id\":")
                        .append(id)
                        .append(",\"v\":")
                        .append(id % 97)
                        .append("}}\n");
            assertEquals(200, post(url + "/v1/tenants/big/ingest", "application/x-ndjson", ops.toString(), ADMIN));
        }
        long at = System.currentTimeMillis() - 60_000;
        StringBuilder series = new StringBuilder();
        for (int i = 0; i < 10_000; i++)
            series.append("{\"metric\":{\"__name__\":\"wide\",\"i\":\"")
                    .append(i)
                    .append("\"},\"values\":[")
                    .append(i)
                    .append("],\"timestamps\":[")
                    .append(at)
                    .append("]}\n");
        assertEquals(
                204,
                post(url + "/v1/tenants/big/prom/api/v1/import", "application/x-ndjson", series.toString(), ADMIN));

        browser = chromium();
        WebDriverWait wait = new WebDriverWait(browser, WAIT);
        wait.ignoring(org.openqa.selenium.StaleElementReferenceException.class);
        browser.get(url + "/console/#/tenants/big");
        browser.findElement(By.id("token-button")).click();
        browser.findElement(By.id("token-input")).sendKeys(ADMIN);
        browser.findElement(By.cssSelector("#token-dialog button[value=save]")).click();
        wait.until(ExpectedConditions.elementToBeClickable(
                        By.cssSelector("#views tr[data-view=everything] button.changes")))
                .click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("stream-version"), "(snapshot)"));
        wait.until(ExpectedConditions.textToBePresentInElementLocated(
                By.cssSelector("#stream-events tr.more"), "99,001 more rows in this snapshot"));
        assertEquals(
                1_000, browser.findElements(By.cssSelector("#stream-events tr")).size());
        // NDJSON pasted into the ingest box (one op a line, as the README sends it): the stream shows the change.
        WebElement ndjson = browser.findElement(By.id("ingest-editor"));
        ((org.openqa.selenium.JavascriptExecutor) browser)
                .executeScript(
                        "arguments[0].value = arguments[1]",
                        ndjson,
                        "{\"op\": \"delete\", \"table\": \"t\", \"key\": {\"id\": 0}}\n"
                                + "{\"op\": \"update\", \"table\": \"t\", \"row\": {\"id\": 1, \"v\": 5}}");
        browser.findElement(By.id("send-ingest")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(
                By.id("ingest-result"), "Applied at version 4, 2 ops"));
        wait.until(driver ->
                driver.findElements(By.cssSelector("#stream-events tr.deleted")).size() == 2);
        assertTrue(browser.findElement(By.cssSelector("#stream-events tr.inserted"))
                .getText()
                .contains("{\"id\":1,\"v\":5}"));

        browser.get(url + "/console/#/metrics");
        browser.findElement(By.id("metrics-tenant")).sendKeys("big");
        browser.findElement(By.id("promql")).sendKeys("wide");
        browser.findElement(By.id("run-promql")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(
                By.id("metrics-result"), "The first 200 of 10,000 series are drawn."));
        browser.findElement(By.cssSelector(".tabs button[data-view=table]")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("metrics-pages-pager"), "1–200 of 10,000"));
        assertEquals(
                200,
                browser.findElements(By.cssSelector("#metrics-table tbody tr")).size());
        browser.findElement(By.cssSelector("#metrics-pages-pager button.next")).click();
        wait.until(
                ExpectedConditions.textToBePresentInElementLocated(By.id("metrics-pages-pager"), "201–400 of 10,000"));
        browser.findElement(By.cssSelector(".tabs button[data-view=json]")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(
                By.id("metrics-result"), "The first 50 of 10,000 series are shown."));
    }

    /**
     * Over HTTPS (a self-signed certificate the browser is told to accept): the console's files, the API and a change
     * stream (an EventSource over TLS with the token in its URL) all work.
     */
    @Test
    void theConsoleWorksOverHttps() throws Exception {
        assumeChromium();
        Path certificate = tmp.resolve("node.crt");
        Path privateKey = tmp.resolve("node.key");
        io.shardview.testsupport.SelfSignedCertificate.write(certificate, privateKey);
        Path config = tmp.resolve("tls.conf");
        Files.writeString(
                config,
                "shardview.http.tls.certificate = \"" + certificate + "\"\nshardview.http.tls.private-key = \""
                        + privateKey + "\"\n");
        node = NodeProcess.serve(
                tmp.resolve("logs"),
                Map.of("SHARDVIEW_ADMIN_TOKEN", ADMIN),
                "--data-dir",
                tmp.resolve("data").toString(),
                "--config",
                config.toString());
        String url = node.url(Duration.ofSeconds(120));
        assertTrue(url.startsWith("https://"), url);
        browser = chromium("--ignore-certificate-errors");
        WebDriverWait wait = new WebDriverWait(browser, WAIT);
        wait.ignoring(org.openqa.selenium.StaleElementReferenceException.class); // the page redraws as answers come
        browser.get(url + "/console/#/tenants/tls");
        browser.findElement(By.id("token-button")).click();
        browser.findElement(By.id("token-input")).sendKeys(ADMIN);
        browser.findElement(By.cssSelector("#token-dialog button[value=save]")).click();
        wait.until(
                driver -> { // the node may still be starting: ask again until the tenant's page answers
                    if (driver.findElement(By.id("summary")).getText().contains("No tenant tls yet")) return true;
                    driver.navigate().refresh();
                    return false;
                });
        browser.findElement(By.id("sql-editor"))
                .sendKeys("CREATE TABLE t (id BIGINT PRIMARY KEY); CREATE VIEW v AS SELECT id FROM t");
        browser.findElement(By.id("run-sql")).click();
        wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#views tr[data-view=v]")));
        browser.findElement(By.cssSelector("#views tr[data-view=v] button.changes"))
                .click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("stream-status"), "live"));
        browser.findElement(By.id("ingest-editor"))
                .sendKeys("{\"ops\": [{\"op\": \"insert\", \"table\": \"t\", \"row\": {\"id\": 7}}]}");
        browser.findElement(By.id("send-ingest")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("stream-events"), "{\"id\":7}"));
    }

    private WebDriver chromium(String... extraArguments) {
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments(
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--window-size=1360,900",
                "--user-data-dir=" + tmp.resolve("chromium"));
        options.addArguments(extraArguments);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort()
                .build();
        return new ChromeDriver(service, options);
    }

    private void screenshot(Path dir, String name) throws Exception {
        byte[] png = ((org.openqa.selenium.TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES);
        Files.write(dir.resolve(name + ".png"), png);
    }

    /** Skips the test unless Debian's Chromium and its driver are installed (.ci/run installs them). */
    private static void assumeChromium() {
        Assumptions.assumeTrue(
                Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
                "Chromium and chromedriver are not installed (apt-get install chromium chromium-driver)");
    }

    /** Starts the packaged node with auth on (the admin token ADMIN), ready; answers its URL. */
    private String serveWithAuth() throws Exception {
        node = NodeProcess.serve(
                tmp.resolve("logs"),
                Map.of("SHARDVIEW_ADMIN_TOKEN", ADMIN),
                "--data-dir",
                tmp.resolve("data").toString());
        assertEquals(200, node.awaitStatus("/ready", 200, Duration.ofSeconds(120)));
        return node.url(Duration.ofSeconds(10));
    }

    private static int post(String url, String type, String body, String token) throws Exception {
        return HTTP.send(
                        HttpRequest.newBuilder(URI.create(url))
                                .header("Content-Type", type)
                                .header("Authorization", "Bearer " + token)
                                .POST(HttpRequest.BodyPublishers.ofString(body))
                                .build(),
                        HttpResponse.BodyHandlers.ofString())
                .statusCode();
    }
}
