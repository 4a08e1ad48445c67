package dev.runex.k8s.keda;

import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Version;
import java.util.List;

/** KEDA's TriggerAuthentication ({@code keda.sh/v1alpha1}): parameters taken from Secrets. */
@Group("keda.sh")
@Version("v1alpha1")
public final class TriggerAuthentication extends CustomResource<TriggerAuthentication.Spec, Void>
    implements Namespaced {

  public record Spec(List<SecretTargetRef> secretTargetRef) {}

  public record SecretTargetRef(String parameter, String name, String key) {}
}
