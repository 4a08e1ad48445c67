package dev.runex.launcher.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runex.launcher.local.KafkaBroker;
import dev.runex.launcher.local.LocalInfraException;
import dev.runex.launcher.local.RegistryJava;
import dev.runex.launcher.local.RunexHome;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Checks before any server starts: the repository root, a Java new enough for Apicurio Registry,
 * free ports.
 */
class LocalInfraPreflightTest {
  @TempDir Path tmp;

  @Test
  void findsHomeByWalkingUpFromTheWorkingDirectory() throws IOException {
    // given
    Path root = repo(tmp.resolve("repo"));
    Path deep = Files.createDirectories(root.resolve("workers/src/main"));
    // when
    RunexHome home = RunexHome.resolve(null, null, deep);
    // then
    assertThat(home.root()).isEqualTo(root);
    assertThat(home.kafkaLibs()).isEqualTo(root.resolve("infra/target/kafka/libs"));
    assertThat(home.apicurioRunJar())
        .isEqualTo(root.resolve("infra/target/apicurio/quarkus-run.jar"));
  }

  @Test
  void systemPropertyWinsOverEnvironmentAndWorkingDirectory() throws IOException {
    // given
    Path fromProperty = repo(tmp.resolve("a"));
    Path fromEnv = repo(tmp.resolve("b"));
    // when
    RunexHome home = RunexHome.resolve(fromProperty.toString(), fromEnv.toString(), fromEnv);
    // then
    assertThat(home.root()).isEqualTo(fromProperty);
  }

  @Test
  void rejectsHomeWithoutInfraPomNamingTheKeyAndValue() {
    assertThatThrownBy(() -> RunexHome.resolve(null, tmp.toString(), tmp))
        .isInstanceOf(LocalInfraException.class)
        .hasMessageContaining(RunexHome.ENV)
        .hasMessageContaining("'" + tmp + "'");
  }

  @Test
  void reportsMissingInfraUntilBothServersAreFetched() throws IOException {
    // given
    RunexHome home = new RunexHome(repo(tmp.resolve("repo")));
    Files.createDirectories(home.kafkaLibs());
    Files.createFile(home.kafkaLibs().resolve("kafka_2.13-4.4.0.jar"));
    // when / then
    assertThat(home.infraFetched()).isFalse();
    Files.createDirectories(home.apicurioDir());
    Files.createFile(home.apicurioRunJar());
    assertThat(home.infraFetched()).isTrue();
  }

  @Test
  void usesCurrentJvmForRegistryWhenItIsNewEnough() {
    Path current = Path.of("/opt/jdk21/bin/java");
    assertThat(RegistryJava.locate(null, current, 21, tmp)).isEqualTo(current);
  }

  @Test
  void picksNewestJdk21PlusUnderJvmRootWhenCurrentIsOlder() throws IOException {
    // given
    jdk("java-17-openjdk", "17.0.15");
    Path jdk21 = jdk("temurin-21", "21.0.5");
    Path jdk25 = jdk("temurin-25", "25.0.1");
    // when
    Path java = RegistryJava.locate(null, Path.of("/usr/bin/java"), 17, tmp);
    // then
    assertThat(java).isEqualTo(jdk25).isNotEqualTo(jdk21);
  }

  @Test
  void explainsWhatToInstallWhenNoJdk21IsFound() throws IOException {
    jdk("java-17-openjdk", "17.0.15");
    assertThatThrownBy(() -> RegistryJava.locate(null, Path.of("/usr/bin/java"), 17, tmp))
        .isInstanceOf(LocalInfraException.class)
        .hasMessageContaining("Java 21")
        .hasMessageContaining(RegistryJava.ENV);
  }

  @Test
  void rejectsEnvironmentJavaOlderThan21() throws IOException {
    Path old = jdk("java-17-openjdk", "17.0.15");
    assertThatThrownBy(() -> RegistryJava.locate(old.toString(), Path.of("/usr/bin/java"), 25, tmp))
        .isInstanceOf(LocalInfraException.class)
        .hasMessageContaining(RegistryJava.ENV)
        .hasMessageContaining("Java 17");
  }

  @Test
  void readsLegacyAndModernReleaseVersions() throws IOException {
    Path legacy = Files.createDirectories(tmp.resolve("jdk8"));
    Files.writeString(legacy.resolve("release"), "JAVA_VERSION=\"1.8.0_402\"\n");
    assertThat(RegistryJava.releaseFeature(legacy)).hasValue(8);
    assertThat(RegistryJava.releaseFeature(jdk("jdk25", "25").getParent().getParent()))
        .hasValue(25);
    assertThat(RegistryJava.releaseFeature(tmp.resolve("missing"))).isEmpty();
  }

  @Test
  void refusesToLaunchBrokerOnPortInUseBeforeStartingAnything() throws IOException {
    // given: a home without fetched servers, so getting past the port check would fail differently
    RunexHome home = new RunexHome(repo(tmp.resolve("repo")));
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      // when / then
      assertThatThrownBy(
              () -> KafkaBroker.launch(home, tmp.resolve("kafka"), taken.getLocalPort(), 0))
          .isInstanceOf(LocalInfraException.class)
          .hasMessageContaining("Kafka port " + taken.getLocalPort() + " is already in use");
    }
    assertThat(tmp.resolve("kafka")).doesNotExist();
  }

  @Test
  void refusesSameBrokerAndControllerPort() {
    RunexHome home = new RunexHome(tmp);
    assertThatThrownBy(() -> KafkaBroker.launch(home, tmp.resolve("kafka"), 70_000, 0))
        .isInstanceOf(LocalInfraException.class)
        .hasMessageContaining("Kafka port must be 0 (pick a free port) or 1..65535, was 70000");
  }

  private static Path repo(Path root) throws IOException {
    Files.createDirectories(root.resolve("infra"));
    Files.writeString(root.resolve("infra/pom.xml"), "<project/>");
    return root.toAbsolutePath().normalize();
  }

  /** A fake JDK home under the temp JVM root; returns its bin/java. */
  private Path jdk(String name, String version) throws IOException {
    Path home = Files.createDirectories(tmp.resolve(name));
    Files.writeString(
        home.resolve("release"), "IMPLEMENTOR=\"x\"\nJAVA_VERSION=\"" + version + "\"\n");
    Path java = Files.createDirectories(home.resolve("bin")).resolve("java");
    Files.writeString(java, "#!/bin/sh\n");
    Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
    return java;
  }
}
