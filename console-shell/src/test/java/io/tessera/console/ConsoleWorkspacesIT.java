package io.tessera.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.openqa.selenium.support.ui.ExpectedConditions.presenceOfElementLocated;
import static org.openqa.selenium.support.ui.ExpectedConditions.textToBe;
import static org.openqa.selenium.support.ui.ExpectedConditions.urlContains;
import static org.openqa.selenium.support.ui.ExpectedConditions.visibilityOfElementLocated;

import io.tessera.kernel.Kernel;
import io.tessera.kernel.config.KernelConfig;
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
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;

/**
 * Issue 8's tenancy flow in Chromium: the admin creates a workspace and a project in it, and
 * invites a member, through the tenancy API (issue 5).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConsoleWorkspacesIT {

    @TempDir
    static Path dataDir;
    static Kernel kernel;
    static Browser browser;
    static String base;

    @RegisterExtension
    final Browser.ScreenshotOnFailure screenshots = new Browser.ScreenshotOnFailure(() -> browser);

    @BeforeAll
    static void boot() throws Exception {
        kernel = Kernel.start(KernelConfig.defaults(dataDir).withPort(0));
        base = kernel.baseUri().toString().replaceAll("/$", "");
        browser = new Browser();
    }

    @AfterAll
    static void shutdown() throws Exception {
        try {
            if (browser != null) {
                browser.close();
            }
        } finally {
            if (kernel != null) {
                kernel.close();
            }
        }
    }

    static WebElement find(By by) {
        return browser.wait.until(visibilityOfElementLocated(by));
    }

    static void submitDialog() {
        find(By.cssSelector("dialog button[type=submit]")).click();
    }

    @Test
    @Order(1)
    void adminSignsInAndCreatesAUserToInvite() {
        browser.driver.get(base + "/#/login");
        find(By.id("username")).sendKeys("admin");
        find(By.id("password")).sendKeys("P@88w0rd");
        find(By.id("login-submit")).click();
        browser.wait.until(urlContains("#/password"));
        find(By.id("current-password")).sendKeys("P@88w0rd");
        find(By.id("new-password")).sendKeys("Tessera-Adm1n!");
        find(By.id("confirm-password")).sendKeys("Tessera-Adm1n!");
        find(By.id("password-submit")).click();
        browser.wait.until(textToBe(By.id("overview-user"), "admin"));
        find(By.linkText("Users")).click();
        find(By.id("create-user")).click();
        find(By.id("f-name")).sendKeys("bob");
        find(By.id("f-email")).sendKeys("bob@example.com");
        find(By.id("f-password")).sendKeys("Bob-Passw0rd1");
        submitDialog();
        browser.wait.until(presenceOfElementLocated(By.cssSelector("#users-table tr[data-user=bob]")));
    }

    @Test
    @Order(2)
    void adminCreatesAWorkspace() {
        find(By.linkText("Workspaces")).click();
        find(By.id("create-workspace")).click();
        find(By.id("f-name")).sendKeys("demo-ws");
        find(By.id("f-manager")).sendKeys("admin");
        submitDialog();
        find(By.linkText("demo-ws")).click();
        browser.wait.until(textToBe(By.id("page-title"), "demo-ws"));
    }

    @Test
    @Order(3)
    void adminCreatesAProjectInTheWorkspace() {
        find(By.id("create-project")).click();
        find(By.id("f-name")).sendKeys("demo-project");
        submitDialog();
        browser.wait.until(presenceOfElementLocated(By.cssSelector("#projects-table tr[data-project=demo-project]")));
    }

    @Test
    @Order(4)
    void adminInvitesAMemberToTheWorkspace() throws Exception {
        find(By.xpath("//button[@role='tab' and text()='Members']")).click();
        find(By.id("invite-member")).click();
        find(By.id("f-username")).sendKeys("bob");
        // The workspace's roles come from the tenancy controller's copies of the built-in roles.
        browser.wait.until(d -> new Select(d.findElement(By.id("f-role"))).getOptions().stream()
                .anyMatch(o -> o.getText().equals("demo-ws-regular")));
        new Select(find(By.id("f-role"))).selectByVisibleText("demo-ws-regular");
        submitDialog();
        WebElement row = browser.wait.until(presenceOfElementLocated(By.cssSelector("#members-table tr[data-member=bob]")));
        assertThat(row.getText()).contains("demo-ws-regular");
        find(By.xpath("//button[@role='tab' and text()='Projects']")).click();
        browser.wait.until(presenceOfElementLocated(By.cssSelector("#projects-table tr[data-project=demo-project]")));
        String dir = System.getProperty("console.docImages");
        if (dir != null && !dir.isBlank()) {
            browser.screenshot(Path.of(dir), "console-workspace");
        }
    }
}
