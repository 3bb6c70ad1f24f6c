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

/**
 * Cluster management in Chromium through the Kubernetes API proxy (issue 9): the embedded
 * cluster's node, cordon and uncordon, editing its labels and taints (with the API server's
 * validation errors in the dialog), the namespaces.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConsoleClusterIT {

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

    @Test
    @Order(1)
    void adminCordonsAndUncordonsTheNode() {
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

        find(By.linkText("Nodes")).click();
        WebElement row = browser.wait.until(presenceOfElementLocated(By.cssSelector("#nodes-table tr[data-node]")));
        String node = row.getAttribute("data-node");
        assertThat(row.getText()).contains("Schedulable");
        find(By.cssSelector("button[aria-label='Cordon " + node + "']")).click();
        browser.wait.until(d -> d.findElement(By.cssSelector("#nodes-table tr[data-node='" + node + "']")).getText().contains("Unschedulable"));
        find(By.cssSelector("button[aria-label='Uncordon " + node + "']")).click();
        browser.wait.until(d -> !d.findElement(By.cssSelector("#nodes-table tr[data-node='" + node + "']")).getText().contains("Unschedulable"));

        find(By.linkText(node)).click();
        browser.wait.until(textToBe(By.id("page-title"), node));
        assertThat(find(By.id("node-labels")).getText()).contains("kubernetes.io/hostname");
    }

    static void submitDialog() {
        find(By.cssSelector("dialog button[type=submit]")).click();
    }

    static String dialogError() {
        return browser.wait.until(d -> {
            String text = d.findElement(By.cssSelector("dialog .error")).getText();
            return text.isEmpty() ? null : text;
        });
    }

    static void cancelDialog() {
        find(By.xpath("//dialog//button[text()='Cancel']")).click();
        browser.wait.until(org.openqa.selenium.support.ui.ExpectedConditions.invisibilityOfElementLocated(By.tagName("dialog")));
    }

    @Test
    @Order(2)
    void adminAddsAndRemovesANodeLabel() {
        find(By.id("edit-labels")).click();
        int rows = browser.driver.findElements(By.cssSelector("#label-rows .kv-row")).size();
        find(By.id("label-add")).click();
        find(By.id("label-key-" + rows)).sendKeys("tessera.io/team");
        find(By.id("label-value-" + rows)).sendKeys("blue");
        submitDialog();
        browser.wait.until(d -> d.findElement(By.id("node-labels")).getText().contains("tessera.io/team blue"));

        find(By.id("edit-labels")).click();
        WebElement row = find(By.xpath("//div[@id='label-rows']/div[.//input[@value='tessera.io/team']]"));
        row.findElement(By.cssSelector("button.danger")).click();
        submitDialog();
        browser.wait.until(d -> !d.findElement(By.id("node-labels")).getText().contains("tessera.io/team"));
    }

    @Test
    @Order(3)
    void anInvalidLabelKeyShowsTheApiServersMessageAndChangesNothing() {
        find(By.id("edit-labels")).click();
        int rows = browser.driver.findElements(By.cssSelector("#label-rows .kv-row")).size();
        find(By.id("label-add")).click();
        find(By.id("label-key-" + rows)).sendKeys("bad key!");
        find(By.id("label-value-" + rows)).sendKeys("x");
        submitDialog();
        assertThat(dialogError()).contains("metadata.labels: Invalid value: \"bad key!\"").contains("name part must consist of alphanumeric characters");
        cancelDialog();
        assertThat(find(By.id("node-labels")).getText()).doesNotContain("bad key!");
    }

    @Test
    @Order(4)
    void adminAddsATaintAndAnInvalidOneIsRefusedWithTheApiServersMessage() {
        // The embedded node carries one taint already (no kubelet: nothing should be scheduled there).
        assertThat(find(By.id("node-taints")).getText()).contains("tessera.io/no-kubelet");
        find(By.id("edit-taints")).click();
        int rows = browser.driver.findElements(By.cssSelector("#taint-rows .kv-row")).size();
        find(By.id("taint-add")).click();
        find(By.id("taint-key-" + rows)).sendKeys("dedicated");
        find(By.id("taint-value-" + rows)).sendKeys("gpu");
        new org.openqa.selenium.support.ui.Select(find(By.id("taint-effect-" + rows))).selectByValue("NoExecute");
        submitDialog();
        browser.wait.until(d -> d.findElement(By.id("node-taints")).getText().contains("dedicated gpu NoExecute"));
        assertThat(find(By.id("node-taints")).getText()).contains("tessera.io/no-kubelet");

        find(By.id("edit-taints")).click();
        int now = browser.driver.findElements(By.cssSelector("#taint-rows .kv-row")).size();
        find(By.id("taint-add")).click();
        find(By.id("taint-key-" + now)).sendKeys("bad key!");
        submitDialog();
        assertThat(dialogError()).contains("spec.taints[" + now + "].key: Invalid value: \"bad key!\"");
        // Fixing the form in the same dialog: drop the bad row and the "dedicated" taint, then save.
        find(By.cssSelector("#taint-rows div[data-row='" + now + "'] button")).click();
        find(By.xpath("//div[@id='taint-rows']/div[.//input[@value='dedicated']]//button")).click();
        submitDialog();
        browser.wait.until(d -> !d.findElement(By.id("node-taints")).getText().contains("dedicated"));
        assertThat(find(By.id("node-taints")).getText()).contains("tessera.io/no-kubelet").doesNotContain("bad key!");
    }

    @Test
    @Order(5)
    void adminSeesTheNamespaces() {
        find(By.linkText("Namespaces")).click();
        browser.wait.until(presenceOfElementLocated(By.cssSelector("#namespaces-table tr[data-namespace=kubesphere-system]")));
    }
}
