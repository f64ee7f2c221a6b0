DROP TABLE status_undos;
