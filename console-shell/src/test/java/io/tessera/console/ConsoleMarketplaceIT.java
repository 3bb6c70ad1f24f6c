package io.tessera.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.openqa.selenium.support.ui.ExpectedConditions.alertIsPresent;
import static org.openqa.selenium.support.ui.ExpectedConditions.presenceOfElementLocated;
import static org.openqa.selenium.support.ui.ExpectedConditions.textToBe;
import static org.openqa.selenium.support.ui.ExpectedConditions.urlContains;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tessera.extension.testkit.ConsoleBrowser;
import io.tessera.kernel.Kernel;
import io.tessera.kernel.config.KernelConfig;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Issue 8's marketplace flow in Chromium, with the real sample-hello package in the kernel's
 * repository: the catalog (search, category and installed filters), the extension's detail
 * (readme, versions, requested permissions), installing it with a configuration form generated
 * from its schema and live progress, its menu entry and page appearing without a reload, the page
 * calling its API as the signed-in user, reconfiguring, uninstalling (the menu vanishes live), and
 * a platform-regular user who sees the catalog but no install button.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConsoleMarketplaceIT {

    static final String ADMIN_PASSWORD = "Tessera-Adm1n!";
    static final String PLAN = "/apis/kubesphere.io/v1alpha1/installplans/sample-hello";
    static final ObjectMapper JSON = PlatformApi.JSON;

    @TempDir
    static Path dataDir;
    @TempDir
    static Path repository;
    @TempDir
    static Path keys;
    static SampleHelloRepository sampleHello;
    static Kernel kernel;

    @RegisterExtension
    static final ConsoleBrowser browser = new ConsoleBrowser();
    static String base;

    @BeforeAll
    static void boot() throws Exception {
        sampleHello = new SampleHelloRepository(repository, keys);
        kernel = Kernel.start(KernelConfig.defaults(dataDir).withPort(0).withExtensions(new KernelConfig.Extensions(repository)));
        base = kernel.baseUri().toString().replaceAll("/$", "");
    }

    @AfterAll
    static void shutdown() throws Exception {
        if (sampleHello != null) {
            sampleHello.close();
        }
        if (kernel != null) {
            kernel.close();
        }
    }

    static WebDriverWait slow() {
        return browser.waiting(Duration.ofSeconds(60));
    }

    static void docShot(String name) throws java.io.IOException {
        String dir = System.getProperty("console.docImages");
        if (dir != null && !dir.isBlank()) {
            browser.screenshot(Path.of(dir), name);
        }
    }

    static HttpResponse<String> asAdmin(String method, String path, String body) throws Exception {
        return new PlatformApi(base, "admin", ADMIN_PASSWORD).send(method, path, body);
    }

    static java.util.List<String> catalogRows() {
        return browser.driver().findElements(By.cssSelector("#extensions-table tr[data-extension]")).stream()
                .map(r -> r.getAttribute("data-extension")).toList();
    }

    /** Set once; a page reload would clear it, so seeing it later proves nothing reloaded. */
    static void markPage() {
        browser.driver().executeScript("window.__sameDocument = 'yes';");
    }

    static void assertSamePage() {
        assertThat(browser.driver().executeScript("return window.__sameDocument;")).as("the page was not reloaded").isEqualTo("yes");
    }

    @Test
    @Order(1)
    void adminFindsSampleHelloInTheCatalog() throws Exception {
        browser.signInChangingPassword(base, "admin", "P@88w0rd", ADMIN_PASSWORD);

        browser.find(By.linkText("Extensions")).click();
        browser.waiting().until(textToBe(By.id("page-title"), "Marketplace"));
        // The catalog is built from the repository asynchronously: wait for the package to appear.
        slow().until(d -> {
            if (d.findElements(By.cssSelector("#extensions-table tr[data-extension=sample-hello]")).isEmpty()) {
                d.navigate().refresh();
                return false;
            }
            return true;
        });
        assertThat(browser.find(By.cssSelector("tr[data-extension=sample-hello]")).getText()).contains("Hello").contains("1.0.0").contains("Not installed");
        assertThat(browser.find(By.id("page-info")).getText()).startsWith("Page 1 of 1");
        markPage();

        browser.find(By.id("extension-search")).sendKeys("greets");
        browser.find(By.id("extension-search-go")).click();
        browser.waiting().until(urlContains("q=greets"));
        browser.waiting().until(d -> catalogRows().equals(java.util.List.of("sample-hello")));
        browser.find(By.id("extension-search")).clear();
        browser.find(By.id("extension-search")).sendKeys("no-such-extension");
        browser.find(By.id("extension-search-go")).click();
        browser.waiting().until(d -> catalogRows().isEmpty() && d.findElement(By.id("extensions-table")).getText().contains("Nothing here yet."));
        browser.find(By.id("extension-search")).clear();
        browser.find(By.id("extension-search-go")).click();
        browser.waiting().until(d -> catalogRows().contains("sample-hello"));

        browser.waiting().until(d -> new Select(d.findElement(By.id("extension-category"))).getOptions().size() > 1);
        new Select(browser.find(By.id("extension-category"))).selectByValue("dev-tools");
        browser.waiting().until(urlContains("category=dev-tools"));
        browser.waiting().until(d -> catalogRows().contains("sample-hello"));
        new Select(browser.find(By.id("extension-installed"))).selectByValue("true");
        browser.waiting().until(urlContains("installed=true"));
        browser.waiting().until(d -> catalogRows().isEmpty());
        new Select(browser.find(By.id("extension-installed"))).selectByValue("false");
        browser.waiting().until(d -> catalogRows().contains("sample-hello"));
        assertSamePage();
    }

    @Test
    @Order(2)
    void detailShowsReadmeVersionsAndRequestedPermissions() {
        browser.find(By.cssSelector("#extensions-table tr[data-extension=sample-hello] a")).click();
        browser.waiting().until(textToBe(By.id("page-title"), "Hello"));
        assertThat(browser.find(By.id("extension-description")).getText()).contains("A sample extension that greets");
        assertThat(new Select(browser.find(By.id("extension-version"))).getOptions()).extracting(WebElement::getText).contains("1.0.0");
        String permissions = browser.find(By.id("extension-permissions")).getText();
        assertThat(permissions).contains("samples.tessera.io").contains("greetings, greetings/status").contains("create");
        assertThat(browser.find(By.id("extension-readme")).getText()).contains("A sample Tessera extension");
        assertThat(browser.find(By.id("extension-state")).getText()).isEqualTo("Not installed");
        assertThat(browser.driver().findElements(By.cssSelector("nav.side a[href='#/ext/sample-hello']"))).isEmpty();
    }

    @Test
    @Order(3)
    void adminInstallsWithTheSchemaFormAndWatchesTheProgress() throws Exception {
        browser.find(By.id("install-extension")).click();
        // The form comes from the package's configuration schema: one string, default "Hello".
        WebElement salutation = browser.find(By.id("cfg-salutation"));
        assertThat(salutation.getAttribute("value")).isEqualTo("Hello");
        salutation.clear();
        salutation.sendKeys("Hi");
        browser.find(By.id("config-submit")).click();

        slow().until(d -> d.findElement(By.id("extension-state")).getText().equals("Installed"));
        assertThat(browser.find(By.id("install-progress")).getText()).contains("Installed");
        assertThat(browser.find(By.id("extension-installed-version")).getText()).isEqualTo("1.0.0");
        JsonNode plan = JSON.readTree(asAdmin("GET", PLAN, null).body());
        assertThat(JSON.readTree(plan.path("spec").path("config").asText()).path("salutation").asText()).isEqualTo("Hi");

        // The menu entry arrives over the kernel's push stream: no reload.
        slow().until(presenceOfElementLocated(By.cssSelector("nav.side a[href='#/ext/sample-hello']")));
        assertThat(browser.find(By.cssSelector("nav.side a[href='#/ext/sample-hello']")).getText()).isEqualTo("Hello");
        assertSamePage();
        docShot("console-extension");
    }

    @Test
    @Order(4)
    void theExtensionPageCallsItsApiAsTheSignedInUser() throws Exception {
        HttpResponse<String> created = asAdmin("POST", "/kapis/samples.tessera.io/v1alpha1/namespaces/default/greetings",
                "{\"metadata\":{\"name\":\"ada\"},\"spec\":{\"name\":\"Ada\"}}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        browser.find(By.cssSelector("nav.side a[href='#/ext/sample-hello']")).click();
        // The page fetches with tessera.fetch (the user's token); the greeting carries the configured salutation.
        slow().until(d -> d.findElement(By.cssSelector(".ext-frame")).getText().contains("Hi, Ada!"));
        assertThat(browser.find(By.id("sample-hello-count")).getText()).isEqualTo("1 greetings");
        assertThat(browser.driver().findElements(By.cssSelector(".ext-frame [role=alert]"))).isEmpty();
        assertSamePage();
    }

    @Test
    @Order(5)
    void catalogListsItAsInstalled() throws Exception {
        browser.find(By.linkText("Extensions")).click();
        new Select(browser.find(By.id("extension-installed"))).selectByValue("true");
        browser.waiting().until(d -> catalogRows().contains("sample-hello"));
        assertThat(browser.find(By.cssSelector("tr[data-extension=sample-hello]")).getText()).contains("Installed");
        docShot("console-marketplace");
    }

    @Test
    @Order(6)
    void adminChangesTheConfigurationFromTheForm() throws Exception {
        browser.find(By.cssSelector("#extensions-table tr[data-extension=sample-hello] a")).click();
        browser.find(By.id("configure-extension")).click();
        WebElement salutation = browser.find(By.id("cfg-salutation"));
        assertThat(salutation.getAttribute("value")).isEqualTo("Hi");
        salutation.clear();
        salutation.sendKeys("Hey");
        browser.find(By.id("config-submit")).click();
        browser.waiting().until(d -> {
            try {
                JsonNode plan = JSON.readTree(asAdmin("GET", PLAN, null).body());
                return plan.path("spec").path("config").asText().contains("Hey");
            } catch (Exception e) {
                return false;
            }
        });
        slow().until(d -> d.findElement(By.id("extension-state")).getText().equals("Installed"));
    }

    @Test
    @Order(7)
    void uninstallingRemovesTheMenuLive() {
        browser.find(By.id("uninstall-extension")).click();
        browser.waiting().until(alertIsPresent()).accept();
        slow().until(d -> d.findElements(By.cssSelector("nav.side a[href='#/ext/sample-hello']")).isEmpty());
        slow().until(d -> d.findElement(By.id("extension-state")).getText().equals("Not installed"));
        String progress = browser.find(By.id("install-progress")).getText();
        assertThat(progress).contains("Uninstalled");
        assertThat(browser.find(By.id("install-extension")).isDisplayed()).isTrue();
        assertSamePage();
    }

    @Test
    @Order(8)
    void aPlatformRegularUserSeesTheCatalogButNoInstallButton() throws Exception {
        HttpResponse<String> user = asAdmin("POST", "/kapis/iam.kubesphere.io/v1beta1/users",
                "{\"apiVersion\":\"iam.kubesphere.io/v1beta1\",\"kind\":\"User\",\"metadata\":{\"name\":\"bob\",\"annotations\":"
                        + "{\"iam.kubesphere.io/globalrole\":\"platform-regular\"}},\"spec\":{\"email\":\"bob@example.com\",\"password\":\"Bob-Passw0rd1\"}}");
        assertThat(user.statusCode()).as(user.body()).isIn(200, 201);
        browser.find(By.id("user-menu")).click();
        browser.find(By.id("logout")).click();
        browser.waiting().until(urlContains("#/login"));
        browser.signIn(base, "bob", "Bob-Passw0rd1");
        browser.waiting().until(textToBe(By.id("overview-user"), "bob"));
        browser.find(By.linkText("Extensions")).click();
        browser.waiting().until(d -> catalogRows().contains("sample-hello"));
        browser.find(By.cssSelector("#extensions-table tr[data-extension=sample-hello] a")).click();
        browser.waiting().until(textToBe(By.id("page-title"), "Hello"));
        browser.find(By.id("extension-permissions"));
        assertThat(browser.driver().findElements(By.id("install-extension"))).isEmpty();
        assertThat(browser.driver().findElements(By.id("uninstall-extension"))).isEmpty();
    }
}
