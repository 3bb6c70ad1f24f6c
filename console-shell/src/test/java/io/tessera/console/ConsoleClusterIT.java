package io.tessera.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.openqa.selenium.support.ui.ExpectedConditions.presenceOfElementLocated;
import static org.openqa.selenium.support.ui.ExpectedConditions.textToBe;

import io.tessera.extension.testkit.ConsoleBrowser;
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

    @Test
    @Order(1)
    void adminCordonsAndUncordonsTheNode() {
        browser.signInChangingPassword(base, "admin", "P@88w0rd", "Tessera-Adm1n!");

        browser.find(By.linkText("Nodes")).click();
        WebElement row = browser.waiting().until(presenceOfElementLocated(By.cssSelector("#nodes-table tr[data-node]")));
        String node = row.getAttribute("data-node");
        assertThat(row.getText()).contains("Schedulable");
        browser.find(By.cssSelector("button[aria-label='Cordon " + node + "']")).click();
        browser.waiting().until(d -> d.findElement(By.cssSelector("#nodes-table tr[data-node='" + node + "']")).getText().contains("Unschedulable"));
        browser.find(By.cssSelector("button[aria-label='Uncordon " + node + "']")).click();
        browser.waiting().until(d -> !d.findElement(By.cssSelector("#nodes-table tr[data-node='" + node + "']")).getText().contains("Unschedulable"));

        browser.find(By.linkText(node)).click();
        browser.waiting().until(textToBe(By.id("page-title"), node));
        assertThat(browser.find(By.id("node-labels")).getText()).contains("kubernetes.io/hostname");
    }

    static void submitDialog() {
        browser.find(By.cssSelector("dialog button[type=submit]")).click();
    }

    static String dialogError() {
        return browser.waiting().until(d -> {
            String text = d.findElement(By.cssSelector("dialog .error")).getText();
            return text.isEmpty() ? null : text;
        });
    }

    static void cancelDialog() {
        browser.find(By.xpath("//dialog//button[text()='Cancel']")).click();
        browser.waiting().until(org.openqa.selenium.support.ui.ExpectedConditions.invisibilityOfElementLocated(By.tagName("dialog")));
    }

    @Test
    @Order(2)
    void adminAddsAndRemovesANodeLabel() {
        browser.find(By.id("edit-labels")).click();
        int rows = browser.driver().findElements(By.cssSelector("#label-rows .kv-row")).size();
        browser.find(By.id("label-add")).click();
        browser.find(By.id("label-key-" + rows)).sendKeys("tessera.io/team");
        browser.find(By.id("label-value-" + rows)).sendKeys("blue");
        submitDialog();
        browser.waiting().until(d -> d.findElement(By.id("node-labels")).getText().contains("tessera.io/team blue"));

        browser.find(By.id("edit-labels")).click();
        WebElement row = browser.find(By.xpath("//div[@id='label-rows']/div[.//input[@value='tessera.io/team']]"));
        row.findElement(By.cssSelector("button.danger")).click();
        submitDialog();
        browser.waiting().until(d -> !d.findElement(By.id("node-labels")).getText().contains("tessera.io/team"));
    }

    @Test
    @Order(3)
    void anInvalidLabelKeyShowsTheApiServersMessageAndChangesNothing() {
        browser.find(By.id("edit-labels")).click();
        int rows = browser.driver().findElements(By.cssSelector("#label-rows .kv-row")).size();
        browser.find(By.id("label-add")).click();
        browser.find(By.id("label-key-" + rows)).sendKeys("bad key!");
        browser.find(By.id("label-value-" + rows)).sendKeys("x");
        submitDialog();
        assertThat(dialogError()).contains("metadata.labels: Invalid value: \"bad key!\"").contains("name part must consist of alphanumeric characters");
        cancelDialog();
        assertThat(browser.find(By.id("node-labels")).getText()).doesNotContain("bad key!");
    }

    @Test
    @Order(4)
    void adminAddsATaintAndAnInvalidOneIsRefusedWithTheApiServersMessage() {
        // The embedded node carries one taint already (no kubelet: nothing should be scheduled there).
        assertThat(browser.find(By.id("node-taints")).getText()).contains("tessera.io/no-kubelet");
        browser.find(By.id("edit-taints")).click();
        int rows = browser.driver().findElements(By.cssSelector("#taint-rows .kv-row")).size();
        browser.find(By.id("taint-add")).click();
        browser.find(By.id("taint-key-" + rows)).sendKeys("dedicated");
        browser.find(By.id("taint-value-" + rows)).sendKeys("gpu");
        new org.openqa.selenium.support.ui.Select(browser.find(By.id("taint-effect-" + rows))).selectByValue("NoExecute");
        submitDialog();
        browser.waiting().until(d -> d.findElement(By.id("node-taints")).getText().contains("dedicated gpu NoExecute"));
        assertThat(browser.find(By.id("node-taints")).getText()).contains("tessera.io/no-kubelet");

        browser.find(By.id("edit-taints")).click();
        int now = browser.driver().findElements(By.cssSelector("#taint-rows .kv-row")).size();
        browser.find(By.id("taint-add")).click();
        browser.find(By.id("taint-key-" + now)).sendKeys("bad key!");
        submitDialog();
        assertThat(dialogError()).contains("spec.taints[" + now + "].key: Invalid value: \"bad key!\"");
        // Fixing the form in the same dialog: drop the bad row and the "dedicated" taint, then save.
        browser.find(By.cssSelector("#taint-rows div[data-row='" + now + "'] button")).click();
        browser.find(By.xpath("//div[@id='taint-rows']/div[.//input[@value='dedicated']]//button")).click();
        submitDialog();
        browser.waiting().until(d -> !d.findElement(By.id("node-taints")).getText().contains("dedicated"));
        assertThat(browser.find(By.id("node-taints")).getText()).contains("tessera.io/no-kubelet").doesNotContain("bad key!");
    }

    @Test
    @Order(5)
    void adminSeesTheNamespaces() {
        browser.find(By.linkText("Namespaces")).click();
        browser.waiting().until(presenceOfElementLocated(By.cssSelector("#namespaces-table tr[data-namespace=kubesphere-system]")));
    }
}
