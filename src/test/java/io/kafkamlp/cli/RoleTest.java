package io.kafkamlp.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.TypeConversionException;

class RoleTest {

  private final Role.Converter converter = new Role.Converter();

  @Test
  void shouldParseEachRoleInAnyCase() {
    assertEquals(Role.ALL, converter.convert("all"));
    assertEquals(Role.TRAINER, converter.convert("trainer"));
    assertEquals(Role.SERVER, converter.convert("Server"));
  }

  @Test
  void shouldRunTrainerOrServerOrBothByRole() {
    assertTrue(Role.ALL.trains() && Role.ALL.serves());
    assertTrue(Role.TRAINER.trains());
    assertFalse(Role.TRAINER.serves());
    assertFalse(Role.SERVER.trains());
    assertTrue(Role.SERVER.serves());
  }

  @Test
  void shouldRejectUnknownRoleNamingTheChoices() {
    TypeConversionException e =
        assertThrows(TypeConversionException.class, () -> converter.convert("broker"));

    assertTrue(e.getMessage().contains("all, trainer, server"), e.getMessage());
  }

  @Test
  void shouldRefuseRunWithUnknownRoleBeforeStartingAnything() {
    CommandLine cli = KafkaMlp.commandLine();
    StringWriter err = new StringWriter();
    cli.setOut(new PrintWriter(new StringWriter()));
    cli.setErr(new PrintWriter(err));

    int code = cli.execute("run", "--role", "broker");

    assertEquals(2, code, err.toString());
    assertTrue(err.toString().contains("--role"), err.toString());
  }
}
