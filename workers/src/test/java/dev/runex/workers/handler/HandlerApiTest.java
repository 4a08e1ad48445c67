package dev.runex.workers.handler;

import static dev.runex.workers.testing.Jobs.T0;
import static dev.runex.workers.testing.Jobs.job;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runex.schemas.Job;
import java.io.IOException;
import java.lang.reflect.Executable;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The handler API is what a job-type author writes against, and all of it: its documented example
 * compiles and runs, and nothing in it hands an author the runtime's controls or its internal
 * types.
 */
class HandlerApiTest {
  private static final Path PACKAGE = Path.of("src/main/java/dev/runex/workers/handler");
  private static final List<Class<?>> API =
      List.of(
          JobHandler.class,
          JobContext.class,
          PermanentJobException.class,
          RetryableJobException.class,
          DeferJobException.class);

  @Test
  void thePackageHoldsTheHandlerApiAndNothingElse() throws IOException {
    // when
    Set<String> files;
    try (Stream<Path> list = Files.list(PACKAGE)) {
      files = new TreeSet<>(list.map(p -> p.getFileName().toString()).toList());
    }

    // then
    Set<String> expected = new TreeSet<>(Set.of("package-info.java"));
    API.forEach(c -> expected.add(c.getSimpleName() + ".java"));
    assertThat(files).isEqualTo(expected);
  }

  @Test
  void aHandlerSeesItsAttemptButNotTheRuntimesControlsOfIt() {
    // when
    Set<String> methods = new TreeSet<>();
    for (Method m : JobContext.class.getDeclaredMethods()) {
      if (Modifier.isPublic(m.getModifiers())) {
        methods.add(m.getName());
      }
    }

    // then: no cancel, timedOut, recordUsage or usage; only a subclass can make one
    assertThat(methods)
        .containsExactlyInAnyOrder(
            "job",
            "jobId",
            "type",
            "tenant",
            "attempt",
            "idempotencyKey",
            "workerId",
            "traceParent",
            "startedAt",
            "deadline",
            "remaining",
            "isCancelled",
            "params",
            "stringParam",
            "longParam",
            "requiredLongParam",
            "doubleParam",
            "booleanParam");
    assertThat(Modifier.isAbstract(JobContext.class.getModifiers())).isTrue();
    assertThat(JobContext.class.getConstructors()).as("public constructors").isEmpty();
  }

  @Test
  void theApiMentionsNoTypeOfTheWorkersOwn() {
    // when: every type in the public and protected signatures of the API
    List<String> foreign = new ArrayList<>();
    for (Class<?> c : API) {
      List<Executable> members = new ArrayList<>(Arrays.asList(c.getDeclaredMethods()));
      members.addAll(Arrays.asList(c.getDeclaredConstructors()));
      for (Executable e : members) {
        if (!Modifier.isPublic(e.getModifiers()) && !Modifier.isProtected(e.getModifiers())) {
          continue;
        }
        List<Class<?>> types = new ArrayList<>(Arrays.asList(e.getParameterTypes()));
        types.addAll(Arrays.asList(e.getExceptionTypes()));
        if (e instanceof Method m) {
          types.add(m.getReturnType());
        }
        for (Class<?> t : types) {
          if (!allowed(t)) {
            foreign.add(c.getSimpleName() + "." + e.getName() + ": " + t.getName());
          }
        }
      }
    }

    // then: the JDK, the job records and the API itself
    assertThat(foreign).isEmpty();
  }

  @Test
  void theDocumentedExampleIsThisCompiledHandler() throws IOException {
    // given
    List<String> doc = Files.readAllLines(PACKAGE.resolve("package-info.java"));
    List<String> source =
        Files.readAllLines(
            Path.of("src/test/java/dev/runex/workers/handler/WelcomeMailHandler.java"));

    // when
    List<String> documented = new ArrayList<>();
    boolean in = false;
    for (String line : doc) {
      if (line.contains("}</pre>")) {
        in = false;
      }
      if (in) {
        documented.add(line.equals(" *") ? "" : line.substring(3));
      }
      if (line.contains("<pre>{@code")) {
        in = true;
      }
    }
    List<String> compiled =
        source.subList(
            source.indexOf("public final class WelcomeMailHandler implements JobHandler {"),
            source.size());

    // then
    assertThat(documented).isNotEmpty().isEqualTo(compiled);
  }

  @Test
  void theExampleSendsOnceWithTheAttemptsKeyAndSaysWhyItFails() throws Exception {
    // given
    List<String> sent = new ArrayList<>();
    WelcomeMailHandler handler =
        new WelcomeMailHandler(
            (to, template, key) -> {
              sent.add(to + " " + template + " " + key);
              return "msg-1";
            });
    WelcomeMailHandler down =
        new WelcomeMailHandler(
            (to, template, key) -> {
              throw new IOException("connection refused");
            });

    // when
    String output = handler.handle(context(job("j1", "welcome", Map.of("email", "a@b.c"))));

    // then
    assertThat(output).isEqualTo("msg-1");
    assertThat(sent).containsExactly("a@b.c welcome j1:1");
    assertThatThrownBy(() -> handler.handle(context(job("j2", "welcome", Map.of("email", "x")))))
        .isInstanceOfSatisfying(
            PermanentJobException.class, e -> assertThat(e.code()).isEqualTo("BAD_EMAIL"));
    assertThatThrownBy(() -> down.handle(context(job("j3", "welcome", Map.of("email", "a@b.c")))))
        .isInstanceOfSatisfying(
            RetryableJobException.class, e -> assertThat(e.code()).isEqualTo("MAIL_DOWN"));
  }

  private static boolean allowed(Class<?> type) {
    Class<?> t = type.isArray() ? type.getComponentType() : type;
    String name = t.getName();
    return t.isPrimitive()
        || name.startsWith("java.")
        || name.startsWith("dev.runex.schemas.")
        || t.getPackageName().equals(JobHandler.class.getPackageName());
  }

  /** A context as an author's unit test makes one. */
  private static JobContext context(Job job) {
    return new JobContext(job, "test-worker", T0, T0.plusSeconds(30), null) {
      @Override
      public boolean isCancelled() {
        return false;
      }
    };
  }
}
