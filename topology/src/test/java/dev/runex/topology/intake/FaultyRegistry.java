package dev.runex.topology.intake;

import dev.runex.schemas.serde.SchemaNotFoundException;
import dev.runex.schemas.serde.SchemaRegistryClient;
import dev.runex.schemas.serde.SchemaRegistryUnavailableException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import org.apache.avro.Schema;

/**
 * A registry client that fails the way real ones do, on a script: each lookup takes the next {@link
 * Fault} (the last one repeats), {@link Fault#NONE} asks the real registry behind it.
 */
public final class FaultyRegistry implements SchemaRegistryClient {

  /** How one lookup goes. */
  public enum Fault {
    NONE,
    /** The registry answers that it has no such schema. */
    NOT_FOUND,
    /** No answer: unreachable, 5xx, timeout. */
    UNAVAILABLE,
    /** The client fails in a way nobody planned for (a bug, an unexpected reply). */
    UNEXPECTED,
    /** The client answers with no schema at all. */
    NULL
  }

  private final SchemaRegistryClient real;
  private final Deque<Fault> script;
  private Fault last = Fault.NONE;

  public FaultyRegistry(SchemaRegistryClient real, List<Fault> script) {
    this.real = real;
    this.script = new ArrayDeque<>(script);
  }

  @Override
  public int register(String subject, Schema schema) {
    return real.register(subject, schema);
  }

  @Override
  public Schema getById(int id) {
    if (!script.isEmpty()) {
      last = script.poll();
    }
    return switch (last) {
      case NONE -> real.getById(id);
      case NOT_FOUND -> throw new SchemaNotFoundException("schema " + id + " not found (40403)");
      case UNAVAILABLE ->
          throw new SchemaRegistryUnavailableException(
              "schema registry at http://127.0.0.1:1 unreachable while trying to fetch schema id "
                  + id,
              null);
      case UNEXPECTED ->
          throw new IllegalStateException("registry client broke on schema id " + id);
      case NULL -> null;
    };
  }
}
