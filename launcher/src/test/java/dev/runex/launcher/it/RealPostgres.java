package dev.runex.launcher.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A private PostgreSQL 15 server for one test class: a fresh cluster in a temp folder (initdb),
 * listening on a free loopback port, with a database {@code runex} owned by the superuser {@code
 * runex} whose password is required over TCP (scram-sha-256). initdb refuses to run as root, so as
 * root the server runs as the {@code postgres} user ({@code runuser}). {@link #close} stops it
 * ({@code pg_ctl stop}, which signals the postmaster pid in its data folder) and removes the
 * folder; a shutdown hook does the same if a test dies first. Installed by {@code
 * .ci/postgres-tools}; without it the tests that need it fail, naming the fix.
 */
public final class RealPostgres implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(RealPostgres.class);
  public static final Path BIN = Path.of("/usr/lib/postgresql/15/bin");
  public static final String USER = "runex";
  public static final String DATABASE = "runex";

  private final Path dir;
  private final int port;
  private final String password;
  private final Thread hook;
  private boolean stopped;

  private RealPostgres(Path dir, int port, String password) {
    this.dir = dir;
    this.port = port;
    this.password = password;
    this.hook = new Thread(this::stopQuietly, "real-postgres-stop");
    Runtime.getRuntime().addShutdownHook(hook);
  }

  public static RealPostgres start() {
    if (!Files.isExecutable(BIN.resolve("initdb")) || !Files.isExecutable(BIN.resolve("pg_ctl"))) {
      throw new IllegalStateException(
          "PostgreSQL 15 is not installed ("
              + BIN
              + "/initdb missing): run .ci/postgres-tools as root, or apt-get install postgresql-15");
    }
    try {
      Path dir = Files.createTempDirectory("runex-pg-");
      String password = "pw-" + Long.toHexString(System.nanoTime());
      Path pwfile = dir.resolve("pwfile");
      Files.writeString(pwfile, password + "\n", StandardCharsets.UTF_8);
      if (asRoot()) {
        chownToPostgres(dir);
        chownToPostgres(pwfile);
      }
      run(
          List.of(
              BIN.resolve("initdb").toString(),
              "-D",
              dir.resolve("data").toString(),
              "-U",
              USER,
              "--auth-local=trust",
              "--auth-host=scram-sha-256",
              "--pwfile=" + pwfile,
              "-E",
              "UTF8",
              "--no-sync"),
          dir.resolve("initdb.log"),
          120);
      int port = freePort();
      RealPostgres pg = new RealPostgres(dir, port, password);
      try {
        run(
            List.of(
                BIN.resolve("pg_ctl").toString(),
                "-D",
                dir.resolve("data").toString(),
                "-o",
                "-p " + port + " -k " + dir + " -c listen_addresses=127.0.0.1 -c fsync=off",
                "-l",
                dir.resolve("postgres.log").toString(),
                "-w",
                "-t",
                "60",
                "start"),
            dir.resolve("pg_ctl.log"),
            90);
        pg.createDatabase();
      } catch (RuntimeException e) {
        pg.close();
        throw e;
      }
      log.info("PostgreSQL 15 on 127.0.0.1:{}, data in {}", port, dir);
      return pg;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot prepare a PostgreSQL folder", e);
    }
  }

  public String jdbcUrl() {
    return "jdbc:postgresql://127.0.0.1:" + port + "/" + DATABASE;
  }

  public String password() {
    return password;
  }

  public Connection connect() throws SQLException {
    return DriverManager.getConnection(jdbcUrl(), USER, password);
  }

  private void createDatabase() {
    String url = "jdbc:postgresql://127.0.0.1:" + port + "/postgres";
    try (Connection c = DriverManager.getConnection(url, USER, password);
        Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE " + DATABASE);
    } catch (SQLException e) {
      throw new IllegalStateException("cannot create database " + DATABASE + ": " + e, e);
    }
  }

  @Override
  public void close() {
    stopQuietly();
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException e) {
      // already shutting down: the hook is running or has run
    }
  }

  private synchronized void stopQuietly() {
    if (stopped) {
      return;
    }
    stopped = true;
    try {
      run(
          List.of(
              BIN.resolve("pg_ctl").toString(),
              "-D",
              dir.resolve("data").toString(),
              "-m",
              "fast",
              "-w",
              "stop"),
          dir.resolve("pg_ctl.log"),
          60);
    } catch (RuntimeException e) {
      log.warn("Stopping PostgreSQL in {} failed: {}", dir, e.getMessage());
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException | UncheckedIOException e) {
      // best effort: a temp folder
    }
  }

  private static boolean asRoot() {
    return "root".equals(System.getProperty("user.name"));
  }

  /** Runs a PostgreSQL tool (as the postgres user when we are root) and fails with its output. */
  private static void run(List<String> tool, Path logFile, long timeoutSeconds) {
    List<String> command = new ArrayList<>();
    if (asRoot()) {
      command.addAll(List.of("runuser", "-u", "postgres", "--"));
    }
    command.addAll(tool);
    try {
      Process p =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
              .start();
      if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException(
            String.join(" ", tool) + " did not finish in " + timeoutSeconds + " s" + tail(logFile));
      }
      if (p.exitValue() != 0) {
        throw new IllegalStateException(
            String.join(" ", tool) + " failed with exit code " + p.exitValue() + tail(logFile));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run " + command, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while running " + command.get(0), e);
    }
  }

  private static String tail(Path logFile) {
    try {
      List<String> lines = Files.readAllLines(logFile);
      return "\n" + String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
    } catch (IOException e) {
      return "";
    }
  }

  private static void chownToPostgres(Path path) throws IOException {
    UserPrincipalLookupService users = path.getFileSystem().getUserPrincipalLookupService();
    UserPrincipal user = users.lookupPrincipalByName("postgres");
    GroupPrincipal group = users.lookupPrincipalByGroupName("postgres");
    PosixFileAttributeView view = Files.getFileAttributeView(path, PosixFileAttributeView.class);
    view.setOwner(user);
    view.setGroup(group);
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket()) {
      s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      return s.getLocalPort();
    }
  }
}
