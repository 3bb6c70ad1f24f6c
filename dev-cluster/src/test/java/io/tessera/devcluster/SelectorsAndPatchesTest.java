package io.tessera.devcluster;

import static io.tessera.devcluster.Http.obj;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tessera.devcluster.api.FieldSelector;
import io.tessera.devcluster.api.LabelSelector;
import io.tessera.devcluster.api.Patches;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The selector grammar and the patch algorithms, without a server. */
class SelectorsAndPatchesTest {

    @Test
    void labelSelectorGrammar() {
        Map<String, String> labels = Map.of("env", "prod", "tier", "web", "example.com/team", "a");
        assertThat(LabelSelector.parse("env in (prod, dev),tier").matches(labels)).isTrue();
        assertThat(LabelSelector.parse("env notin (prod)").matches(labels)).isFalse();
        assertThat(LabelSelector.parse("env==prod,tier!=db,!missing").matches(labels)).isTrue();
        assertThat(LabelSelector.parse("example.com/team=a").matches(labels)).isTrue();
        assertThat(LabelSelector.parse("missing notin (x)").matches(labels)).as("notin matches an absent key").isTrue();
        assertThat(LabelSelector.parse("").matches(labels)).isTrue();
        assertThatThrownBy(() -> LabelSelector.parse("env in (a,b")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> LabelSelector.parse("env in a")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> LabelSelector.parse("bad key=1")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void fieldSelectorOnAnyPath() {
        var pod = obj("{'metadata':{'name':'p'},'spec':{'nodeName':'n1'},'status':{'phase':'Running'}}");
        assertThat(FieldSelector.parse("status.phase=Running,spec.nodeName==n1").matches(pod)).isTrue();
        assertThat(FieldSelector.parse("status.phase!=Running").matches(pod)).isFalse();
        assertThat(FieldSelector.parse("spec.missing=").matches(pod)).isTrue();
        assertThat(FieldSelector.parse("metadata.name=p").requiredName()).isEqualTo("p");
    }

    @Test
    void mergePatchIsRfc7386() {
        var target = obj("{'a':'b','c':{'d':'e','f':'g'},'list':[1,2]}");
        var patched = Patches.mergePatch(target, obj("{'a':'z','c':{'f':null},'list':[3]}"));
        assertThat(patched).isEqualTo(obj("{'a':'z','c':{'d':'e'},'list':[3]}"));
        assertThat(target.path("c").has("f")).as("the target is not modified").isTrue();
    }

    @Test
    void strategicMergePatchApproximation() {
        var target = obj("{'metadata':{'finalizers':['a']},'spec':{'containers':[{'name':'x','image':'1'},{'name':'y','image':'1'}],"
                + "'args':['p','q']}}");
        var patched = Patches.strategicMergePatch(target, obj("{'metadata':{'finalizers':['b']},'spec':{'containers':["
                + "{'name':'y','image':'2'},{'name':'x','$patch':'delete'},{'name':'z','image':'3'}],'args':['r']}}"));
        assertThat(patched).isEqualTo(obj("{'metadata':{'finalizers':['a','b']},'spec':{'containers':[{'name':'y','image':'2'},"
                + "{'name':'z','image':'3'}],'args':['r']}}"));
        var removed = Patches.strategicMergePatch(patched, obj("{'metadata':{'$deleteFromPrimitiveList/finalizers':['a']}}"));
        assertThat(removed.path("metadata").path("finalizers").toString()).isEqualTo("[\"b\"]");
    }

    @Test
    void jsonPatchFailureLeavesTheTargetUntouched() {
        var target = obj("{'a':'1'}");
        assertThatThrownBy(() -> Patches.jsonPatch(target, Http.JSON.readTree(
                "[{\"op\":\"replace\",\"path\":\"/a\",\"value\":\"2\"},{\"op\":\"test\",\"path\":\"/a\",\"value\":\"x\"}]")))
                .isInstanceOf(RuntimeException.class);
        assertThat(target).isEqualTo(obj("{'a':'1'}"));
    }
}
