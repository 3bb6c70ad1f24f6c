package io.tessera.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.openqa.selenium.support.ui.ExpectedConditions.invisibilityOfElementLocated;
import static org.openqa.selenium.support.ui.ExpectedConditions.presenceOfElementLocated;
import static org.openqa.selenium.support.ui.ExpectedConditions.textToBe;
import static org.openqa.selenium.support.ui.ExpectedConditions.urlContains;

import io.tessera.extension.testkit.ConsoleBrowser;
import io.tessera.kernel.Kernel;
import io.tessera.kernel.config.KernelConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;

/**
 * The console in Chromium against a real kernel on the embedded cluster: the login page, the
 * forced password change of the bootstrap admin, the platform overview, user management, the
 * language switch, keyboard use of the user menu, and logout. The steps build on each other (the
 * admin's password changes once), so they run in order.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConsoleLoginAndUsersIT {

    static final String NEW_ADMIN_PASSWORD = "Tessera-Adm1n!";

    @TempDir
    static Path dataDir;
    static Kernel kernel;

    @RegisterExtension
    static final ConsoleBrowser browser = new ConsoleBrowser();
    static String base;

    @BeforeAll
    static void boot() throws Exception {
        kernel = Kernel.start(KernelConfig.defaults(dataDir).withPort(0));
        base = kernel.baseUri().toString().replaceAll("/$", "");
    }

    @AfterAll
    static void shutdown() throws Exception {
        if (kernel != null) {
            kernel.close();
        }
    }

    /** With -Dconsole.docImages=DIR, the pages docs/console.md shows are saved there. */
    static void docShot(String name) throws java.io.IOException {
        String dir = System.getProperty("console.docImages");
        if (dir != null && !dir.isBlank()) {
            browser.screenshot(Path.of(dir), name);
        }
    }

    @Test
    @Order(1)
    void rootServesTheConsolePublicly() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<String> page = http.send(HttpRequest.newBuilder(URI.create(base + "/")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("text/html"));
        assertThat(page.body()).contains("/console-assets/app.js");
        HttpResponse<String> app = http.send(HttpRequest.newBuilder(URI.create(base + "/console-assets/app.js")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(app.statusCode()).isEqualTo(200);
        assertThat(app.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("text/javascript"));
        assertThat(page.headers().firstValue("Content-Security-Policy")).hasValueSatisfying(v -> assertThat(v).contains("script-src 'self' 'sha256-"));
        HttpResponse<String> preact = http.send(HttpRequest.newBuilder(URI.create(base + "/console-assets/vendor/preact/hooks/dist/hooks.module.js")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(preact.statusCode()).isEqualTo(200);
        assertThat(preact.body()).contains("from\"preact\"");
        HttpResponse<String> missing = http.send(HttpRequest.newBuilder(URI.create(base + "/console-assets/nope.js")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(missing.statusCode()).isEqualTo(404);
        // The APIs stay behind authentication: the root mount is only a fallback.
        HttpResponse<String> users = http.send(HttpRequest.newBuilder(URI.create(base + "/kapis/iam.kubesphere.io/v1beta1/users")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(users.statusCode()).isEqualTo(401);
        // Paths other than the page and its assets are not public either.
        HttpResponse<String> other = http.send(HttpRequest.newBuilder(URI.create(base + "/somewhere/else")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(other.statusCode()).isEqualTo(401);
    }

    @Test
    @Order(2)
    void wrongPasswordShowsTheServersReasonOnTheLoginPage() {
        browser.signIn(base, "admin", "not-the-password");
        browser.waiting().until(textToBe(By.id("login-error"), "Login failed: Invalid username or password."));
        assertThat(browser.driver().getCurrentUrl()).endsWith("#/login");
    }

    @Test
    @Order(3)
    void defaultAdminMustChangeThePasswordThenReachesTheOverview() throws Exception {
        browser.signIn(base, "admin", "P@88w0rd");
        browser.waiting().until(urlContains("#/password"));
        browser.find(By.id("forced-hint"));
        // The forced page cannot be left for another view.
        browser.driver().get(base + "/#/users");
        browser.waiting().until(urlContains("#/password"));
        browser.find(By.id("current-password")).sendKeys("P@88w0rd");
        browser.find(By.id("new-password")).sendKeys(NEW_ADMIN_PASSWORD);
        browser.find(By.id("confirm-password")).sendKeys(NEW_ADMIN_PASSWORD);
        browser.find(By.id("password-submit")).click();
        browser.waiting().until(urlContains("#/overview"));
        browser.waiting().until(textToBe(By.id("overview-user"), "admin"));
        assertThat(browser.find(By.id("page-title")).getText()).isEqualTo("Overview");
        docShot("console-overview");
    }

    @Test
    @Order(4)
    void extensionPageHostCanLoadPreactThroughTheImportMap() {
        // The import map is the page's one inline script: the CSP must let it through by its hash,
        // or extension components could not be rendered.
        Object type = browser.driver().executeAsyncScript(
                "const done = arguments[arguments.length - 1];"
                        + "import('preact/hooks').then(h => import('preact').then(p => done(typeof p.render + ' ' + typeof h.useState)), e => done(String(e)));");
        assertThat(type).isEqualTo("function function");
    }

    @Test
    @Order(4)
    void marketplaceBuildsAConfigurationFormFromAJsonSchema() {
        // The catalog serves an extension's configuration schema as JSON; the form follows its types,
        // defaults, required fields and enums, and refuses values that do not fit.
        Object result = browser.driver().executeAsyncScript(
                "const done = arguments[arguments.length - 1];"
                        + "import('/console-assets/pages/schema-form.js').then(f => {"
                        + "  const schema = {type: 'object', required: ['port'], properties: {"
                        + "    salutation: {type: 'string', default: 'Hello'}, port: {type: 'integer', minimum: 1, default: 8080},"
                        + "    debug: {type: 'boolean'}, mode: {type: 'string', enum: ['fast', 'safe']},"
                        + "    tags: {type: 'array', items: {type: 'string'}}}};"
                        + "  const form = f.schemaForm(schema, {salutation: 'Hi'});"
                        + "  document.body.append(form.element);"
                        + "  document.getElementById('cfg-debug').checked = true;"
                        + "  document.getElementById('cfg-tags').value = 'x\\n\\ny';"
                        + "  const first = JSON.stringify(form.value());"
                        + "  document.getElementById('cfg-port').value = '1.5';"
                        + "  let error = null; try { form.value(); } catch (e) { error = e.message; }"
                        + "  document.getElementById('cfg-port').value = '';"
                        + "  let missing = null; try { form.value(); } catch (e) { missing = e.message; }"
                        + "  form.element.remove();"
                        + "  done([first, error, missing].join(' | '));"
                        + "}, e => done(String(e)));");
        assertThat(result).isEqualTo("{\"salutation\":\"Hi\",\"port\":8080,\"debug\":true,\"tags\":[\"x\",\"y\"]}"
                + " | port must be a number. | port is required.");
    }

    @Test
    @Order(5)
    void adminCreatesDisablesAndDeletesAUser() throws Exception {
        browser.find(By.linkText("Users")).click();
        browser.waiting().until(presenceOfElementLocated(By.cssSelector("#users-table tr[data-user=admin]")));
        browser.find(By.id("create-user")).click();
        browser.find(By.id("f-name")).sendKeys("alice");
        browser.find(By.id("f-email")).sendKeys("alice@example.com");
        browser.find(By.id("f-password")).sendKeys("Alice-Passw0rd");
        browser.find(By.cssSelector("dialog button[type=submit]")).click();
        WebElement row = browser.waiting().until(presenceOfElementLocated(By.cssSelector("#users-table tr[data-user=alice]")));
        assertThat(row.getText()).contains("alice@example.com").contains("platform-regular").contains("Active");
        docShot("console-users");

        browser.find(By.cssSelector("button[aria-label='Disable alice']")).click();
        browser.waiting().until(d -> d.findElement(By.cssSelector("#users-table tr[data-user=alice]")).getText().contains("Disabled"));

        browser.find(By.cssSelector("button[aria-label='Delete alice']")).click();
        browser.waiting().until(org.openqa.selenium.support.ui.ExpectedConditions.alertIsPresent()).accept();
        browser.waiting().until(invisibilityOfElementLocated(By.cssSelector("#users-table tr[data-user=alice]")));
    }

    @Test
    @Order(6)
    void aDuplicateUserShowsTheApiErrorInTheDialog() {
        browser.find(By.id("create-user")).click();
        browser.find(By.id("f-name")).sendKeys("admin");
        browser.find(By.id("f-email")).sendKeys("someone@example.com");
        browser.find(By.id("f-password")).sendKeys("Another-Passw0rd");
        browser.find(By.cssSelector("dialog button[type=submit]")).click();
        browser.waiting().until(d -> !d.findElement(By.cssSelector("dialog .error")).getText().isEmpty());
        browser.find(By.xpath("//dialog//button[text()='Cancel']")).click();
        browser.waiting().until(invisibilityOfElementLocated(By.tagName("dialog")));
    }

    @Test
    @Order(7)
    void languageSwitchesToChineseAndBack() {
        new Select(browser.find(By.id("language"))).selectByValue("zh");
        browser.waiting().until(textToBe(By.id("page-title"), "用户"));
        new Select(browser.find(By.id("language"))).selectByValue("en");
        browser.waiting().until(textToBe(By.id("page-title"), "Users"));
    }

    @Test
    @Order(8)
    void userMenuWorksFromTheKeyboardAndLogsOut() {
        WebElement toggle = browser.find(By.id("user-menu"));
        toggle.sendKeys(Keys.ENTER);
        browser.waiting().until(d -> "true".equals(d.findElement(By.id("user-menu")).getAttribute("aria-expanded")));
        browser.driver().switchTo().activeElement().sendKeys(Keys.ARROW_DOWN);
        WebElement focused = browser.driver().switchTo().activeElement();
        assertThat(focused.getAttribute("id")).isEqualTo("logout");
        focused.sendKeys(Keys.ENTER);
        browser.waiting().until(urlContains("#/login"));
        browser.find(By.id("username"));
    }

    @Test
    @Order(9)
    void aPlatformRegularUserSeesNoUserManagement() throws Exception {
        browser.signIn(base, "admin", NEW_ADMIN_PASSWORD);
        browser.waiting().until(urlContains("#/overview"));
        browser.find(By.linkText("Users")).click();
        browser.find(By.id("create-user")).click();
        browser.find(By.id("f-name")).sendKeys("bob");
        browser.find(By.id("f-email")).sendKeys("bob@example.com");
        browser.find(By.id("f-password")).sendKeys("Bob-Passw0rd1");
        browser.find(By.cssSelector("dialog button[type=submit]")).click();
        browser.waiting().until(presenceOfElementLocated(By.cssSelector("#users-table tr[data-user=bob]")));
        browser.find(By.id("user-menu")).click();
        browser.find(By.id("logout")).click();
        browser.waiting().until(urlContains("#/login"));

        browser.signIn(base, "bob", "Bob-Passw0rd1");
        browser.waiting().until(textToBe(By.id("overview-user"), "bob"));
        // The menu follows bob's roles (SubjectAccessReview): no users, no platform roles.
        assertThat(browser.driver().findElements(By.linkText("Users"))).isEmpty();
        assertThat(browser.driver().findElements(By.linkText("Platform Roles"))).isEmpty();
        assertThat(browser.find(By.cssSelector("nav.side")).getText()).contains("Overview");
    }

    @Test
    @Order(10)
    void layoutReflowsOnATablet() throws Exception {
        browser.driver().manage().window().setSize(new org.openqa.selenium.Dimension(800, 1000));
        try {
            WebElement nav = browser.find(By.cssSelector("nav.side"));
            WebElement main = browser.find(By.id("main"));
            // Below 1024 px the menu sits above the content instead of beside it.
            browser.waiting().until(d -> nav.getRect().getY() + nav.getRect().getHeight() <= main.getRect().getY());
            assertThat(main.getRect().getWidth()).isGreaterThan(700);
        } finally {
            browser.driver().manage().window().setSize(new org.openqa.selenium.Dimension(1280, 900));
        }
    }
}
