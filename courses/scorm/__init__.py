"""SCORM 1.2 and 2004 packages as course modules.

- `archive`: the zip checked before anything is stored (paths, links, sizes, zip bombs);
- `manifest`: `imsmanifest.xml` read safely (defusedxml) into the SCOs to play, in order;
- `cmi`: what a package may store for a learner, checked element by element;
- `content`: the separate origin that package files are served from, the signed addresses
  that reach them, and the Content-Security-Policy they carry.

These modules know nothing of the database: `courses.services.scorm` stores packages and
runtime data, `courses.scorm.views` serves them.
"""
