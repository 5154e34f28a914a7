DELETE FROM notifications WHERE subject = 'question';
DROP TABLE question_answers, questions;
