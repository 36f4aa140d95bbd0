#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void
usage(void)
{
	fprintf(stderr, "usage: switchplug [-V]\n");
	exit(1);
}

int
main(int argc, char *argv[])
{
	if (argc == 2 && strcmp(argv[1], "-V") == 0) {
		printf("switchplug %s\n", VERSION);
		return 0;
	}
	usage();
}
