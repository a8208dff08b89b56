/* vt_app.h — the vitrine command line: one function per subcommand.
 * Each returns the process exit status: 0 success, 1 the work failed, 2 bad arguments or inputs. */
#ifndef VT_APP_H
#define VT_APP_H

#define VT_VERSION "0.1.0"

int vt_cmd_detect(int argc, char **argv);
int vt_cmd_run(int argc, char **argv);
int vt_cmd_stats(int argc, char **argv);
int vt_cmd_calibrate(int argc, char **argv);
int vt_cmd_markers(int argc, char **argv);
int vt_cmd_validate(int argc, char **argv);
int vt_cmd_view(int argc, char **argv);
int vt_cmd_console(int argc, char **argv);
int vt_cmd_cameras(int argc, char **argv);
int vt_cmd_doctor(int argc, char **argv);
int vt_cmd_network(int argc, char **argv);   /* `vitrine network init|add-kiosk|publish|kiosks|maintain` */
/* `vitrine __load-model ...`: internal, the child process that loads run's models under limits
 * (assets' vt_model_isolated.c); not in --help. */
int vt_cmd_load_model(int argc, char **argv);

/* Option values: vt_parse_int, vt_parse_double, vt_parse_size, ... in core/vt_core.h. */

#endif
