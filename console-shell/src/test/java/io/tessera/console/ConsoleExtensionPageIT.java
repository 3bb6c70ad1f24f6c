package io.tessera.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.openqa.selenium.support.ui.ExpectedConditions.presenceOfElementLocated;
import static org.openqa.selenium.support.ui.ExpectedConditions.textToBe;

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
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The extension page host with the real sample-hello, installed and uninstalled through its
 * InstallPlan (the Kubernetes API) while the admin's console stays open: the menu entry appears
 * and disappears without a reload, and the page calls the extension's API with the console's
 * {@code tessera.fetch} (a plain fetch gets 401). The marketplace pages that create the plan are
 * in {@link ConsoleMarketplaceIT}.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConsoleExtensionPageIT {

    static final String PLANS = "/apis/kubesphere.io/v1alpha1/installplans";
    static final String MENU_ENTRY = "nav.side a[href='#/ext/sample-hello']";

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
    static PlatformApi admin;

    @BeforeAll
    static void boot() throws Exception {
        sampleHello = new SampleHelloRepository(repository, keys);
        kernel = Kernel.start(KernelConfig.defaults(dataDir).withPort(0).withExtensions(new KernelConfig.Extensions(repository)));
        base = kernel.baseUri().toString().replaceAll("/$", "");
        admin = new PlatformApi(base, "admin", "Tessera-Adm1n!");
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

    /** Installing starts bundles and applies CRDs: more time than a page needs. */
    static WebDriverWait slow() {
        return browser.waiting(Duration.ofSeconds(60));
    }

    static void assertSamePage() {
        assertThat(browser.driver().executeScript("return window.__sameDocument;")).as("the page was not reloaded").isEqualTo("yes");
    }

    @Test
    @Order(1)
    void installedExtensionsMenuEntryAppearsWithoutAReload() throws Exception {
        browser.signInChangingPassword(base, "admin", "P@88w0rd", "Tessera-Adm1n!");
        browser.driver().executeScript("window.__sameDocument = 'yes';");
        assertThat(browser.driver().findElements(By.cssSelector(MENU_ENTRY))).isEmpty();

        HttpResponse<String> plan = admin.send("POST", PLANS, "{\"apiVersion\":\"kubesphere.io/v1alpha1\",\"kind\":\"InstallPlan\","
                + "\"metadata\":{\"name\":\"sample-hello\"},\"spec\":{\"enabled\":true,\"extension\":{\"name\":\"sample-hello\","
                + "\"version\":\"1.0.0\"},\"config\":\"salutation: Hi\"}}");
        assertThat(plan.statusCode()).as(plan.body()).isEqualTo(201);
        slow().until(presenceOfElementLocated(By.cssSelector(MENU_ENTRY)));
        // The title is a locale key of the extension's module, resolved by the console.
        browser.waiting().until(textToBe(By.cssSelector(MENU_ENTRY), "Hello"));
        assertSamePage();
    }

    @Test
    @Order(2)
    void extensionPageCallsItsApiWithTheUsersToken() throws Exception {
        HttpResponse<String> created = admin.send("POST", "/kapis/samples.tessera.io/v1alpha1/namespaces/default/greetings",
                "{\"metadata\":{\"name\":\"ada\"},\"spec\":{\"name\":\"Ada\"}}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        browser.find(By.cssSelector(MENU_ENTRY)).click();
        // The greeting's message comes from the extension's controller with the configured salutation.
        slow().until(d -> d.findElement(By.cssSelector(".ext-frame")).getText().contains("Hi, Ada!"));
        assertThat(browser.find(By.id("sample-hello-count")).getText()).isEqualTo("1 greetings");
        assertThat(browser.driver().findElements(By.cssSelector(".ext-frame [role=alert]"))).isEmpty();
        Object statuses = browser.driver().executeAsyncScript("const done = arguments[arguments.length - 1];"
                + "const url = '/kapis/samples.tessera.io/v1alpha1/greetings';"
                + "Promise.all([fetch(url), window.tessera.fetch(url)]).then(([a, b]) => done(a.status + ' ' + b.status), e => done(String(e)));");
        assertThat(statuses).as("a plain fetch carries no token; tessera.fetch does").isEqualTo("401 200");
        assertSamePage();
    }

    @Test
    @Order(3)
    void uninstallingRemovesTheMenuEntryAndThePageWithoutAReload() throws Exception {
        HttpResponse<String> deleted = admin.send("DELETE", PLANS + "/sample-hello", null);
        assertThat(deleted.statusCode()).as(deleted.body()).isIn(200, 202);
        slow().until(d -> d.findElements(By.cssSelector(MENU_ENTRY)).isEmpty());
        // The open extension page is redrawn: its extension is gone.
        slow().until(d -> d.findElement(By.cssSelector(".ext-frame")).getText().equals("Page not found."));
        assertThat(browser.find(By.cssSelector("nav.side")).getText()).contains("Overview");
        assertSamePage();
    }
}
