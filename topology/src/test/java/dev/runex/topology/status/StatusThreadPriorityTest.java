package dev.runex.topology.status;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class StatusThreadPriorityTest {

  @Test
  void aStreamThreadIsLoweredOnceByTheGivenStep() throws Exception {
    List<Integer> nice =
        onThread(
            "runex.topology-status-0-StreamThread-1",
            () -> {
              StatusThreadPriority.lowerCurrentThread(3);
              StatusThreadPriority.lowerCurrentThread(3); // once per thread: no further step
            });

    assertThat(nice.get(0)).as("this test's own nice value").isLessThan(17);
    assertThat(nice.get(1)).isEqualTo(nice.get(0) + 3);
  }

  @Test
  void aThreadThatIsNotAStreamThreadKeepsItsPriority() throws Exception {
    List<Integer> nice =
        onThread("a-callers-thread", () -> StatusThreadPriority.lowerCurrentThread(3));

    assertThat(nice.get(1)).isEqualTo(nice.get(0));
  }

  @Test
  void zeroLeavesAStreamThreadAlone() throws Exception {
    List<Integer> nice =
        onThread("app-StreamThread-2", () -> StatusThreadPriority.lowerCurrentThread(0));

    assertThat(nice.get(1)).isEqualTo(nice.get(0));
  }

  @Test
  void niceIsTheNineteenthFieldWhateverTheThreadsNameHolds() {
    String stat = "4242 (a b) c) S 1 2 3 4 5 6 7 8 9 10 11 12 13 14 30 10 2 0 99";

    assertThat(StatusThreadPriority.niceOf(stat)).isEqualTo(10);
  }

  /** The thread's nice value before and after {@code body}, read from the kernel. */
  private static List<Integer> onThread(String name, Runnable body) throws Exception {
    List<Integer> nice = new ArrayList<>();
    Throwable[] failure = new Throwable[1];
    Thread t =
        new Thread(
            () -> {
              try {
                nice.add(ownNice());
                body.run();
                nice.add(ownNice());
              } catch (Throwable e) {
                failure[0] = e;
              }
            },
            name);
    t.start();
    t.join();
    if (failure[0] != null) {
      throw new AssertionError(failure[0]);
    }
    return nice;
  }

  private static int ownNice() throws Exception {
    return StatusThreadPriority.niceOf(Files.readString(Path.of("/proc/thread-self/stat")));
  }
}
