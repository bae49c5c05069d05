/* visage-cli.h: the commands of visage-cli. Each takes argv with the command
 * name first and returns an exit status (see VsExit). */
#pragma once

int vs_cli_detect   (int argc, char **argv);
int vs_cli_verify   (int argc, char **argv);
int vs_cli_enroll   (int argc, char **argv);
int vs_cli_import   (int argc, char **argv);
int vs_cli_identify (int argc, char **argv);
int vs_cli_people   (int argc, char **argv);
int vs_cli_reembed  (int argc, char **argv);
int vs_cli_bench    (int argc, char **argv);
int vs_cli_watch    (int argc, char **argv);
int vs_cli_erase_all (int argc, char **argv);
