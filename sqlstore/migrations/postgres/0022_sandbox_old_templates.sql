-- The sandbox's template catalogue is its platform channels' own
-- (sandbox_hsm_templates, 0020): the catalogue it kept on msgcenter's
-- channels, read in-process, is gone.
DROP TABLE sandbox_templates;
